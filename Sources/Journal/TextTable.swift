/// Columns padded to their widest cell, two spaces apart, the last one unpadded: the tables of `retryd giveups`.
enum TextTable {
    /// The rows (titles first) as lines, each ending in a newline.
    static func render(_ rows: [[String]]) -> String {
        guard let titles = rows.first else { return "" }
        let widths = titles.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { cells in
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
