import AINewsCore

/// Reads the dates feeds actually carry: RFC 822 in all its real-world shapes (named zones, no
/// seconds, no weekday, two-digit years, stray spaces and commas), RFC 3339 / ISO 8601, and
/// W3C-DTF partial dates (`2024`, `2024-06`). A date that cannot be read gives `nil`; it never
/// fails the feed.
public enum DateParser {
    public struct Result: Equatable, Sendable {
        public var timestamp: Timestamp
        /// True when the text named no zone and UTC was assumed.
        public var assumedUTC: Bool
    }

    public static func parse(_ text: String) -> Result? {
        var text = text
        return text.withUTF8 { bytes in
            let trimmed = ByteScan.trimmingASCIISpace(bytes)
            if let first = trimmed.first, let last = trimmed.last, first >= 0x80 || last >= 0x80 {
                // A non-ASCII end may be Unicode whitespace.
                var unicodeTrimmed = String(decoding: trimmed, as: UTF8.self).trimmed()
                return unicodeTrimmed.withUTF8 { parse(trimmed: $0) }
            }
            return parse(trimmed: trimmed)
        }
    }

    private static func parse(trimmed bytes: UnsafeBufferPointer<UInt8>) -> Result? {
        guard !bytes.isEmpty, bytes.count < 100 else { return nil }
        if bytes.count >= 4, bytes[0..<4].allSatisfy(isDigit) {
            return parseISO(bytes) ?? parseRFC822(bytes)
        }
        return parseRFC822(bytes)
    }

    // MARK: - ISO 8601 / RFC 3339 / W3C-DTF

    static func parseISO(_ bytes: UnsafeBufferPointer<UInt8>) -> Result? {
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<width {
                let byte = bytes[index + offset]
                guard isDigit(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func skip(_ byte: UInt8) -> Bool {
            if index < bytes.count, bytes[index] == byte {
                index += 1
                return true
            }
            return false
        }
        guard let year = number(4) else { return nil }
        let compact = index < bytes.count && isDigit(bytes[index])
        var month = 1
        var day = 1
        if compact {
            guard let m = number(2), let d = number(2) else { return nil }
            (month, day) = (m, d)
        } else if skip(UInt8(ascii: "-")) {
            guard let m = number(2) else { return nil }
            month = m
            if skip(UInt8(ascii: "-")) {
                guard let d = number(2) else { return nil }
                day = d
            }
        }
        var hour = 0
        var minute = 0
        var second = 0
        var offset = 0
        var hasZone = false
        var hasTime = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t") || bytes[index] == UInt8(ascii: " ") {
            index += 1
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            guard let h = number(2) else { return nil }
            hour = h
            hasTime = true
            _ = skip(UInt8(ascii: ":"))
            if let m = number(2) {
                minute = m
                _ = skip(UInt8(ascii: ":"))
                if let s = number(2) {
                    second = s
                }
            }
            if skip(UInt8(ascii: ".")) || skip(UInt8(ascii: ",")) {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            if index < bytes.count {
                let sign = bytes[index]
                if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                    index += 1
                    hasZone = true
                } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                    index += 1
                    guard let zh = number(2) else { return nil }
                    _ = skip(UInt8(ascii: ":"))
                    let zm = number(2) ?? 0
                    offset = (zh * 3600 + zm * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
                    hasZone = true
                } else {
                    let rest = String(decoding: UnsafeBufferPointer(rebasing: bytes[index...]), as: UTF8.self).trimmed()
                    guard let zone = zoneOffset(rest) else { return nil }
                    offset = zone
                    hasZone = true
                    index = bytes.count
                }
            }
        }
        guard index == bytes.count else { return nil }
        guard let timestamp = Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset)
        else { return nil }
        return Result(timestamp: timestamp, assumedUTC: hasTime && !hasZone)
    }

    // MARK: - RFC 822 and its relatives

    static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]

    static func parseRFC822(_ text: String) -> Result? {
        var text = text
        return text.withUTF8 { parseRFC822($0) }
    }

    /// One pass over the bytes: tokens split at spaces, commas and date dashes; each token is a
    /// number, a time, a word (weekday, month, zone name) or a numeric zone.
    static func parseRFC822(_ bytes: UnsafeBufferPointer<UInt8>) -> Result? {
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        var offset: Int?
        var index = 0
        let count = bytes.count
        func isSeparator(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\t")
        }
        while index < count {
            let byte = bytes[index]
            if isSeparator(byte) {
                index += 1
                continue
            }
            if isDigit(byte) {
                // No field of a date has more than four digits.
                guard let (value, digits) = readNumber(bytes, &index, maxDigits: 4) else { return nil }
                if index < count, bytes[index] == UInt8(ascii: ":") {
                    // A time: hh:mm[:ss][.fraction], in locals rather than an array, which
                    // cost an allocation per date.
                    var parts = (value, 0, 0)
                    var partCount = 1
                    while index < count, bytes[index] == UInt8(ascii: ":"), partCount < 3 {
                        index += 1
                        guard let (part, partDigits) = readNumber(bytes, &index, maxDigits: 2), partDigits > 0 else { return nil }
                        if partCount == 1 { parts.1 = part } else { parts.2 = part }
                        partCount += 1
                    }
                    if index < count, bytes[index] == UInt8(ascii: ".") {
                        index += 1
                        while index < count, isDigit(bytes[index]) { index += 1 }
                    }
                    guard time == nil else { return nil }
                    time = parts
                    continue
                }
                if index < count, bytes[index] == UInt8(ascii: "-") { index += 1 }
                if digits == 4 || (day != nil && year == nil && month != nil) {
                    guard year == nil else { return nil }
                    year = digits <= 2 ? value + (value < 50 ? 2000 : 1900) : value
                } else if day == nil {
                    day = value
                } else if year == nil {
                    year = digits <= 2 ? value + (value < 50 ? 2000 : 1900) : value
                } else {
                    return nil
                }
                continue
            }
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                let start = index
                index += 1
                while index < count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ":") { index += 1 }
                guard time != nil, offset == nil, let zone = zoneOffset(UnsafeBufferPointer(rebasing: bytes[start..<index])) else { return nil }
                offset = zone
                continue
            }
            if isLetter(byte) || byte == UInt8(ascii: "(") {
                let start = index
                while index < count, !isSeparator(bytes[index]), bytes[index] != UInt8(ascii: "-") || isZoneWord(bytes, start, index) {
                    index += 1
                }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<index])
                if index < count, bytes[index] == UInt8(ascii: "-") { index += 1 }
                if month == nil, word.count >= 3, let value = monthNumber(word) {
                    month = value
                    continue
                }
                if time != nil, offset == nil, let zone = zoneOffset(word) {
                    offset = zone
                    continue
                }
                if word.allSatisfy({ isLetter($0) || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")") }) {
                    continue  // a weekday name, or a zone comment such as "(PDT)"
                }
                return nil
            }
            return nil
        }
        guard let day, let month, let year else { return nil }
        let (hour, minute, second) = time ?? (0, 0, 0)
        guard let timestamp = Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset ?? 0)
        else { return nil }
        return Result(timestamp: timestamp, assumedUTC: time != nil && offset == nil)
    }

    /// The decimal number at `index` and its digit count, advancing past it; nil when it has more
    /// than `maxDigits` digits.
    private static func readNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, maxDigits: Int) -> (Int, Int)? {
        var value = 0
        var digits = 0
        while index < bytes.count, isDigit(bytes[index]) {
            value = value * 10 + Int(bytes[index] - 48)
            digits += 1
            index += 1
            if digits > maxDigits { return nil }
        }
        return (value, digits)
    }

    /// "GMT-07:00": a word that continues into a numeric offset.
    private static func isZoneWord(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ index: Int) -> Bool {
        index - start == 3 && (bytes[start] | 0x20 == UInt8(ascii: "g") || bytes[start] | 0x20 == UInt8(ascii: "u"))
    }

    private static let monthPrefixes: [(UInt8, UInt8, UInt8)] = [
        (0x6A, 0x61, 0x6E), (0x66, 0x65, 0x62), (0x6D, 0x61, 0x72), (0x61, 0x70, 0x72), (0x6D, 0x61, 0x79), (0x6A, 0x75, 0x6E),
        (0x6A, 0x75, 0x6C), (0x61, 0x75, 0x67), (0x73, 0x65, 0x70), (0x6F, 0x63, 0x74), (0x6E, 0x6F, 0x76), (0x64, 0x65, 0x63),
    ]

    /// The month of an English month name or its three-letter abbreviation.
    private static func monthNumber(_ word: UnsafeBufferPointer<UInt8>) -> Int? {
        guard word.allSatisfy(isLetter) else { return nil }
        let first = word[0] | 0x20
        let second = word[1] | 0x20
        let third = word[2] | 0x20
        guard let index = monthPrefixes.firstIndex(where: { $0 == (first, second, third) }) else { return nil }
        return index + 1
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    static let namedZones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "bst": 1, "cet": 1, "met": 1, "cest": 2, "mest": 2, "eet": 2, "eest": 3,
        "msk": 3, "ist": 5 * 60 + 30, "jst": 9, "kst": 9, "hkt": 8, "sgt": 8, "awst": 8, "acst": 9 * 60 + 30, "aest": 10, "aedt": 11,
        "nzst": 12, "nzdt": 13, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "akst": -9,
        "akdt": -8, "hst": -10, "ast": -4, "adt": -3, "nst": -(3 * 60 + 30), "ndt": -(2 * 60 + 30),
    ]

    /// `zoneOffset(_:)` for the zones nearly every feed uses (`GMT`, `UTC`, `Z`, `+0200`) read
    /// straight from the bytes, the rest through the general reading.
    static func zoneOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if bytes.count == 3 {
            let word = (bytes[0] | 0x20, bytes[1] | 0x20, bytes[2] | 0x20)
            if word == (0x67, 0x6D, 0x74) || word == (0x75, 0x74, 0x63) { return 0 }  // gmt, utc
        }
        if bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"), bytes[1...].allSatisfy(isDigit) {
            let hours = Int(bytes[1] - 48) * 10 + Int(bytes[2] - 48)
            let minutes = Int(bytes[3] - 48) * 10 + Int(bytes[4] - 48)
            let seconds = hours * 3600 + minutes * 60
            return bytes[0] == UInt8(ascii: "-") ? -seconds : seconds
        }
        return zoneOffset(String(decoding: bytes, as: UTF8.self))
    }

    /// A zone as seconds east of UTC: `+0200`, `-07:00`, `GMT+2`, `EST`, or a military letter.
    static func zoneOffset(_ token: String) -> Int? {
        var text = Substring(token.lowercased())
        if text.hasPrefix("gmt") || text.hasPrefix("utc"), text.count > 3 { text = text.dropFirst(3) }
        if let named = namedZones[String(text)] {
            // Half-hour zones are stored as minutes to keep the table readable.
            return abs(named) > 24 ? named * 60 : named * 3600
        }
        if text.count == 1, let letter = text.first, let ascii = letter.asciiValue, ascii >= UInt8(ascii: "a"), ascii <= UInt8(ascii: "z"),
            letter != "j"
        {
            let value = Int(ascii - UInt8(ascii: "a"))
            switch letter {
            case "a"..."i": return (value + 1) * 3600
            case "k"..."m": return value * 3600
            case "n"..."y": return -(value - 12) * 3600
            default: return 0
            }
        }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst().filter { $0 != ":" }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(\.isNumber), let value = Int(digits) else { return nil }
        let seconds = digits.count <= 2 ? value * 3600 : (value / 100) * 3600 + (value % 100) * 60
        return sign == "-" ? -seconds : seconds
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
