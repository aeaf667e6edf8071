import Redis

extension SharedQuota {
    /// KEYS[1] the gate key; ARGV: until (ms), the message, the channel. Keeps the latest opening, expires then,
    /// and publishes only when it moved.
    static let closeGate = RedisScript(
        """
        local current = tonumber(redis.call('GET', KEYS[1]) and string.match(redis.call('GET', KEYS[1]), '^[^|]*|[^|]*|([0-9]+)') or '0')
        if tonumber(ARGV[1]) <= current then return 0 end
        redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[1])
        redis.call('PUBLISH', ARGV[3], ARGV[2])
        return 1
        """)

    /// KEYS[1] the quota key; ARGV: now (ms), reserve, the caller's own window (end, left, limit; "" when it
    /// knows none), and the margin (ms) a window started here ends late by, which seeds a key that knows no current window, so no instance counts alone meanwhile. Returns
    /// {n, left, end} when n requests may go (a lease: one per 32 left above the reserve, 1 to 16, so a large quota
    /// costs one call per several requests and a small one is counted exactly), {0, left, end} when the window is
    /// spent, {-1, 0, 0} when nothing is known yet: the caller then sends its one learning request, counted in
    /// `probes`, and whoever seeds the window subtracts the others' (their answers may not be in the count it
    /// saw), so a cold start of several instances cannot overspend. A window that ended starts a new one from the
    /// known allowance.
    static let take = RedisScript(
        """
        local h = redis.call('HMGET', KEYS[1], 'end', 'left', 'limit', 'length')
        local now = tonumber(ARGV[1])
        local reserve = tonumber(ARGV[2])
        local e = tonumber(h[1])
        local left = tonumber(h[2])
        local limit = tonumber(h[3])
        local length = tonumber(h[4])
        if (e == nil or left == nil or e <= now) and ARGV[3] ~= '' and tonumber(ARGV[3]) > now then
          e = tonumber(ARGV[3])
          local others = math.max(0, (tonumber(redis.call('HGET', KEYS[1], 'probes')) or 0) - 1)
          left = math.max(0, tonumber(ARGV[4]) - others)
          redis.call('HDEL', KEYS[1], 'probes')
          redis.call('HSET', KEYS[1], 'end', e, 'left', left)
          if ARGV[5] ~= '' then limit = tonumber(ARGV[5]); redis.call('HSET', KEYS[1], 'limit', ARGV[5]) end
          redis.call('PEXPIRE', KEYS[1], 3600000)
        end
        if e == nil or left == nil or (e <= now and limit == nil) then
          redis.call('HINCRBY', KEYS[1], 'probes', 1)
          -- A probe that is never answered must not be subtracted forever.
          if redis.call('PTTL', KEYS[1]) < 0 or e == nil then redis.call('PEXPIRE', KEYS[1], 10000) end
          return {-1, 0, 0}
        end
        if e <= now then
          e = now + (length or 1000) + tonumber(ARGV[6])
          left = limit
          redis.call('HSET', KEYS[1], 'end', e, 'left', left)
        end
        if left > reserve then
          local n = math.max(1, math.min(16, math.floor((left - reserve) / 32)))
          redis.call('HSET', KEYS[1], 'left', left - n)
          return {n, left - n, e}
        end
        return {0, left, e}
        """)

    /// KEYS[1] the quota key; ARGV: now, end, remaining, limit or "", length or "", tolerance (all ms). A later
    /// window replaces the stored one (less the other instances' learning requests when it is the first), the same
    /// window keeps the lower count and the earlier end, an older one is ignored; the key expires after an hour
    /// without reports.
    static let report = RedisScript(
        """
        local now = tonumber(ARGV[1])
        local ne = tonumber(ARGV[2])
        local r = tonumber(ARGV[3])
        local tol = tonumber(ARGV[6])
        local e = tonumber(redis.call('HGET', KEYS[1], 'end'))
        if e == nil or e <= now or ne > e + tol then
          local others = math.max(0, (tonumber(redis.call('HGET', KEYS[1], 'probes')) or 0) - 1)
          redis.call('HDEL', KEYS[1], 'probes')
          redis.call('HSET', KEYS[1], 'end', ne, 'left', math.max(0, r - others))
        elseif ne >= e - tol then
          local left = tonumber(redis.call('HGET', KEYS[1], 'left')) or r
          redis.call('HSET', KEYS[1], 'end', math.min(e, ne), 'left', math.min(left, r))
        end
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'limit', ARGV[4]) end
        if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'length', ARGV[5]) end
        redis.call('PEXPIRE', KEYS[1], 3600000)
        return 1
        """)
}
