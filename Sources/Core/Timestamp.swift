/// An instant in UTC, to the second, as every stage of ainews stores and compares dates.
///
/// Kept as whole seconds since 1970 rather than `Date` so that the core module needs no
/// Foundation, and so that the JSON form is exactly RFC 3339 with a `Z` (`2024-06-07T10:00:00Z`).
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var secondsSince1970: Int64

    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// Builds an instant from civil UTC fields; `nil` when a field is out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, offsetSeconds: Int = 0) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            (0...24).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let clampedSecond = min(second, 59)
        secondsSince1970 = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + clampedSecond) - Int64(offsetSeconds)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSince1970 < rhs.secondsSince1970
    }

    /// Whole days since 1970-01-01, rounded down (also before 1970).
    public var daysSince1970: Int64 { secondsSince1970.floorDivided(by: 86_400) }

    /// The civil UTC fields of this instant.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = Int(daysSince1970)
        let secondOfDay = Int(secondsSince1970 - Int64(days) * 86_400)
        let (year, month, day) = Self.civilFromDays(days)
        return (year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }

    /// RFC 3339 in UTC: `2024-06-07T10:00:00Z`.
    public var rfc3339: String {
        let c = components
        guard (0...9999).contains(c.year) else {
            return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))Z"
        }
        // Written digit by digit: the store writes two of these for most entries it keeps.
        return String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int, width: Int, at offset: Int, then separator: UInt8) {
                var value = value
                for position in (offset..<(offset + width)).reversed() {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                buffer[offset + width] = separator
            }
            put(c.year, width: 4, at: 0, then: UInt8(ascii: "-"))
            put(c.month, width: 2, at: 5, then: UInt8(ascii: "-"))
            put(c.day, width: 2, at: 8, then: UInt8(ascii: "T"))
            put(c.hour, width: 2, at: 11, then: UInt8(ascii: ":"))
            put(c.minute, width: 2, at: 14, then: UInt8(ascii: ":"))
            put(c.second, width: 2, at: 17, then: UInt8(ascii: "Z"))
            return 20
        }
    }

    public var description: String { rfc3339 }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = Timestamp(rfc3339UTC: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 UTC time: \(text)")
        }
        self = parsed
    }

    /// Reads exactly the form `rfc3339` writes.
    public init?(rfc3339UTC text: String) {
        let digits = Array(text.utf8)
        guard digits.count == 20, digits[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = digits[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithm: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
