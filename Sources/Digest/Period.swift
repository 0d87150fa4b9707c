import AINewsCore

/// The span of time a digest covers: an ISO 8601 week (Monday 00:00 UTC to the next Monday), or
/// a range of whole UTC days.
public struct Period: Sendable, Equatable, Codable {
    /// "2026-W48", or "2026-11-01..2026-11-14".
    public var name: String
    public var start: Timestamp
    /// Exclusive.
    public var end: Timestamp

    public init(name: String, start: Timestamp, end: Timestamp) {
        self.name = name
        self.start = start
        self.end = end
    }

    /// The ISO week that contains `time`.
    public static func week(containing time: Timestamp) -> Period {
        let days = Int(time.daysSince1970)
        let weekday = (days + 3).modulo(7)  // 1970-01-01 was a Thursday; Monday is 0.
        let monday = days - weekday
        let thursday = monday + 3
        let year = Timestamp(secondsSince1970: Int64(thursday) * 86_400).components.year
        let januaryFirst = Int(Timestamp(year: year, month: 1, day: 1)!.secondsSince1970 / 86_400)
        let week = (thursday - januaryFirst) / 7 + 1
        return Period(
            name: "\(year)-W\(week < 10 ? "0" : "")\(week)", start: Timestamp(secondsSince1970: Int64(monday) * 86_400),
            end: Timestamp(secondsSince1970: Int64(monday + 7) * 86_400))
    }

    /// The week before this one (for a custom range, the same length just before it).
    public var previous: Period {
        let length = end.secondsSince1970 - start.secondsSince1970
        let start = Timestamp(secondsSince1970: self.start.secondsSince1970 - length)
        if name.contains("-W") { return Period.week(containing: start) }
        return Period.days(from: start, to: Timestamp(secondsSince1970: self.start.secondsSince1970 - 86_400))!
    }

    /// Parses "2026-W48" (or "2026W48").
    public init?(week text: String) {
        let parts = text.uppercased().split(separator: "W").map { $0.hasSuffix("-") ? $0.dropLast() : $0 }
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), let week = Int(parts[1]), week >= 1,
            let january4 = Timestamp(year: year, month: 1, day: 4)
        else { return nil }
        let firstWeek = Period.week(containing: january4)
        let start = Timestamp(secondsSince1970: firstWeek.start.secondsSince1970 + Int64(week - 1) * 7 * 86_400)
        let period = Period.week(containing: start)
        guard period.name.hasPrefix(String(parts[0])), Int(period.name.suffix(2)) == week else { return nil }
        self = period
    }

    /// The whole UTC days from `first` to `last`, both included.
    public static func days(from first: Timestamp, to last: Timestamp) -> Period? {
        let start = first.daysSince1970 * 86_400
        let end = (last.daysSince1970 + 1) * 86_400
        guard end > start else { return nil }
        return Period(
            name: "\(Self.day(start))..\(Self.day(end - 86_400))", start: Timestamp(secondsSince1970: start),
            end: Timestamp(secondsSince1970: end))
    }

    /// Parses a "YYYY-MM-DD" day.
    public static func parseDay(_ text: String) -> Timestamp? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        return Timestamp(year: year, month: month, day: day)
    }

    static func day(_ seconds: Int64) -> String { String(Timestamp(secondsSince1970: seconds).rfc3339.prefix(10)) }
}

extension Int {
    fileprivate func modulo(_ divisor: Int) -> Int { ((self % divisor) + divisor) % divisor }
}
