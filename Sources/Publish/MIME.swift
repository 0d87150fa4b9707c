import AINewsCore
import Foundation

/// The encodings an RFC 5322 / MIME message needs, written for this one job: headers that carry
/// feed text safely (RFC 2047 encoded-words, no CR/LF ever), and bodies as quoted-printable
/// (RFC 2045) so long lines and UTF-8 survive any mail server.
enum MIME {
    /// A header's unstructured text: line breaks become spaces (a title can never add a header),
    /// non-ASCII words become UTF-8 encoded-words (RFC 2047), and the result is folded so no line
    /// passes 78 characters. `name` is the header's name, for the first line.
    static func header(_ name: String, _ value: String) -> String {
        let oneLine = value.map { $0.isNewline ? " " : String($0) }.joined()
        // ASCII words stay readable; each run of words that need encoding becomes encoded words
        // (spaces inside a run are encoded with it, as decoders drop the space between two
        // encoded words). A word that looks like an encoded word is encoded too.
        var words: [String] = []
        var run: [Substring] = []
        func flushRun() {
            if !run.isEmpty { words += encodedWords(run.joined(separator: " ")) }
            run = []
        }
        for word in oneLine.split(separator: " ", omittingEmptySubsequences: false) {
            if word.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }), !word.contains("=?") {
                flushRun()
                words.append(String(word))
            } else {
                run.append(word)
            }
        }
        flushRun()
        return fold(name + ":", words)
    }

    /// Folds words onto continuation lines (CRLF + space) to keep lines within 78 characters.
    static func fold(_ start: String, _ words: [String]) -> String {
        var lines: [String] = []
        var line = start
        for word in words {
            if line.count + 1 + word.count > 78, line.count > start.count {
                lines.append(line)
                line = ""
            }
            line += " " + word
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// `=?utf-8?B?…?=` words of at most 60 characters (RFC 2047 allows 75; shorter ones leave room
    /// for the header's name on its first line), never splitting a character.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        // 36 bytes = 48 base64 characters, + 12 for "=?utf-8?B?" and "?=".
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 36 {
                words.append("=?utf-8?B?" + base64(chunk) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?" + base64(chunk) + "?=") }
        return words
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let a = bytes[index]
            let b = index + 1 < bytes.count ? bytes[index + 1] : 0
            let c = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(a >> 2)])
            output.append(alphabet[Int((a & 0x03) << 4 | b >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b & 0x0F) << 2 | c >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(c & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Quoted-printable with CRLF line ends: lines of at most 76 characters (soft breaks `=`),
    /// `=`, non-ASCII bytes and trailing white space encoded. Decoding gives back `text` exactly,
    /// so a long URL split by a soft break is whole again in the reader's mail client.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        let lines = text.replacingLineEnds().split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() {
            var length = 0
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || (byte == 32 && !isLast) || (byte == 9 && !isLast)
                let piece: [UInt8] = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                // Room for a soft break's "=" unless this is the line's last piece.
                if length + piece.count > (isLast ? 76 : 75) {
                    output += [UInt8(ascii: "="), 13, 10]
                    length = 0
                }
                output += piece
                length += piece.count
            }
            if number < lines.count - 1 { output += [13, 10] }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// RFC 5322 date: "Mon, 30 Sep 2024 07:00:00 +0000".
    static func date(_ time: Timestamp) -> String {
        let c = time.components
        let days = Int(time.daysSince1970)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][c.month - 1]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(c.day) \(month) \(c.year) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}

extension String {
    /// CRLF and lone CR as LF.
    func replacingLineEnds() -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self { result += character == "\r\n" || character == "\r" ? "\n" : String(character) }
        return result
    }
}

/// An email address with an optional display name, checked so nothing but an address can reach
/// a header or the SMTP envelope.
public struct Mailbox: Sendable, Equatable {
    public var name: String?
    public var address: String

    /// Reads "Name <local@domain>" or "local@domain".
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var name: String?
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let display = trimmed[..<open].trimmingCharacters(in: .whitespacesAndNewlines)
            name = display.isEmpty ? nil : display.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0) })
        else { return nil }
        if let name, name.contains(where: \.isNewline) { return nil }
        self.name = name
        self.address = address
    }

    public var domain: String { String(address[address.index(after: address.firstIndex(of: "@")!)...]) }

    /// The header form: the name as an encoded word or a quoted string when it needs one.
    var headerValue: [String] {
        guard let name else { return ["<\(address)>"] }
        if name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) {
            let quoted = "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            return quoted.split(separator: " ").map(String.init) + ["<\(address)>"]
        }
        return MIME.encodedWords(name) + ["<\(address)>"]
    }
}
