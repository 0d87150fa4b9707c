import AINewsCore
import AINewsFetch
import CCurl
import Foundation

/// Why a message did not go out, and whether trying again may help.
public struct DeliveryFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// 4xx, a refused or lost connection, a timeout: try again later.
        case transient
        /// 5xx for this recipient: trying again will not help.
        case permanent
        /// The server cannot be used at all (no STARTTLS where required, login refused): stop the run.
        case fatal
    }

    public var kind: Kind
    public var message: String
    /// The server's last reply code, 0 when there was none (no connection, a timeout).
    public var reply: Int = 0
    public var description: String { message }
}

/// Hands one finished message to the mail system.
public protocol MailTransport {
    func send(_ message: NewsletterMessage) throws(DeliveryFailure)
}

/// SMTP through libcurl: smtp:// with STARTTLS required or opportunistic, or smtps://; AUTH when
/// a user name is set. One connection per message, so a failure touches one recipient only.
public final class SMTPTransport: MailTransport {
    public struct Configuration: Sendable {
        public var url: String
        public var startTLS: String
        public var username: String?
        public var password: String?
        public var timeoutSeconds: Int

        public init(url: String, startTLS: String, username: String?, password: String?, timeoutSeconds: Int) {
            self.url = url
            self.startTLS = startTLS
            self.username = username
            self.password = password
            self.timeoutSeconds = timeoutSeconds
        }
    }

    let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// The message bytes libcurl reads as the DATA of the transaction.
    final class Upload {
        let bytes: [UInt8]
        var offset = 0

        init(_ text: String) { bytes = Array(text.utf8) }
    }

    public func send(_ message: NewsletterMessage) throws(DeliveryFailure) {
        let curl: CurlEasy
        do {
            curl = try CurlEasy()
        } catch {
            throw DeliveryFailure(kind: .fatal, message: "libcurl: \(error)")
        }
        let upload = Upload(message.source)
        let context = Unmanaged.passRetained(upload)
        defer { context.release() }
        curl.set(CURLOPT_URL, configuration.url)
        curl.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        curl.set(CURLOPT_NOSIGNAL, 1)
        curl.set(CURLOPT_CONNECTTIMEOUT, min(30, configuration.timeoutSeconds))
        curl.set(CURLOPT_TIMEOUT, configuration.timeoutSeconds)
        switch configuration.startTLS {
        case "required": curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case "opportunistic": curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
        default: curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        if let username = configuration.username { curl.set(CURLOPT_USERNAME, username) }
        if let password = configuration.password { curl.set(CURLOPT_PASSWORD, password) }
        curl.set(CURLOPT_MAIL_FROM, "<\(message.from.address)>")
        curl.set(CURLOPT_MAIL_RCPT, list: ["<\(message.to.address)>"])
        curl.set(CURLOPT_UPLOAD, 1)
        curl.set(CURLOPT_INFILESIZE_LARGE, upload.bytes.count)
        curl.set(CURLOPT_READDATA, pointer: context.toOpaque())
        curl.set(CURLOPT_READFUNCTION) { buffer, size, count, context -> Int in
            guard let buffer, let context else { return 0 }
            let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
            let length = min(size * count, upload.bytes.count - upload.offset)
            upload.bytes.withUnsafeBufferPointer { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + upload.offset, byteCount: length)
            }
            upload.offset += length
            return length
        }
        let code = curl_easy_perform(curl.handle)
        guard code != CURLE_OK else { return }
        let reply: Int = curl.info(CURLINFO_RESPONSE_CODE)
        let detail = "\(curl.error(for: code))" + (reply > 0 ? " (last reply \(reply))" : "")
        switch code {
        case CURLE_USE_SSL_FAILED, CURLE_LOGIN_DENIED, CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_SSL_CONNECT_ERROR,
            CURLE_PEER_FAILED_VERIFICATION:
            throw DeliveryFailure(kind: .fatal, message: detail, reply: reply)
        default:
            throw DeliveryFailure(kind: (500..<600).contains(reply) ? .permanent : .transient, message: detail, reply: reply)
        }
    }
}

/// The local mail system: `sendmail -t -oi` reads the recipients from the message's To header.
public struct SendmailTransport: MailTransport {
    public var path: String

    public init(path: String) { self.path = path }

    public func send(_ message: NewsletterMessage) throws(DeliveryFailure) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-t", "-oi"]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DeliveryFailure(kind: .fatal, message: "\(path): \(error.localizedDescription)")
        }
        // sendmail wants LF line ends on its standard input.
        input.fileHandleForWriting.write(Data(message.source.replacingOccurrences(of: "\r\n", with: "\n").utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard process.terminationStatus != 0 else { return }
        // sysexits.h: EX_TEMPFAIL (75) is worth retrying; anything else is not.
        throw DeliveryFailure(
            kind: process.terminationStatus == 75 ? .transient : .permanent,
            message: "\(path) exited with status \(process.terminationStatus)" + (stderr.isEmpty ? "" : ": \(stderr)"))
    }
}

/// Previews: each message is written to a maildir (tmp/, then renamed into new/), which any mail
/// client or `mutt -f` can open.
public struct MaildirTransport: MailTransport {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public func send(_ message: NewsletterMessage) throws(DeliveryFailure) {
        let manager = FileManager.default
        do {
            for folder in ["tmp", "new", "cur"] {
                try manager.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
            }
            let name =
                "\(Int(Date().timeIntervalSince1970)).\(FNV1a.hex(message.messageID)).\(ProcessInfo.processInfo.processIdentifier).ainews"
            let temporary = URL(fileURLWithPath: directory + "/tmp/" + name)
            try Data(message.source.utf8).write(to: temporary)
            try manager.moveItem(atPath: temporary.path, toPath: directory + "/new/" + name)
        } catch {
            throw DeliveryFailure(kind: .fatal, message: "\(directory): \(error.localizedDescription)")
        }
    }
}
