"""python3 png_check.py FILE.png: exit 0 when the screenshot shows a page, 1 when it is blank or unreadable.

Decodes the PNG with zlib alone (8-bit RGB or RGBA, no interlacing: what Chromium writes), then requires enough
distinct colors and enough pixels that are not the background: a blank, white or single-color page has neither.
"""

import struct
import sys
import zlib


def pixels(path):
    with open(path, "rb") as file:
        data = file.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunk = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError("unsupported PNG: depth %d color %d interlace %d" % (depth, color, interlace))
    channels = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous, position = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[position], bytearray(raw[position + 1:position + 1 + stride])
        position += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main(path):
    width, height, channels, rows = pixels(path)
    counts = {}
    for row in rows:
        for x in range(0, width * channels, channels * 2):
            key = row[x:x + 3]
            counts[key] = counts.get(key, 0) + 1
    sampled = sum(counts.values())
    background = max(counts.values())
    distinct, foreground = len(counts), 1 - background / sampled
    print("%dx%d: %d distinct colors, %.1f%% of pixels not the background" % (width, height, distinct,
                                                                            foreground * 100))
    return 0 if distinct >= 50 and foreground >= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
