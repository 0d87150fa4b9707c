import AINewsCore
import FoundationEssentials

/// The daemon's settings: defaults, then the config file (`key = value`, `#` comments), then
/// `AINEWS_<KEY>` environment variables. An unknown key or a bad value is an error naming the
/// key and where it came from.
public struct Settings: Sendable, Equatable {
    public var database = "/var/lib/ainews/ainews.sqlite"
    /// The shipped knowledge-base directory; nil finds it next to the executable.
    public var knowledgeBase: String?
    /// A user's own `.kb` file merged over the shipped one.
    public var extraKnowledge: String?
    public var fetchIntervalSeconds: Int64 = 30 * 60
    public var maxConnections = 16
    public var maxConnectionsPerHost = 2
    public var maxBodyBytes = 16 << 20
    public var connectTimeoutSeconds = 10
    public var totalTimeoutSeconds = 60
    /// Entries first seen longer ago are purged (their tombstones stay); 0 keeps everything.
    public var retentionSeconds: Int64 = 180 * 86_400
    /// How long the fetch log (a row for every fetch of every feed, read when diagnosing a feed)
    /// keeps its rows; 0 keeps them all. It grows by feeds × fetches a day: 96,000 rows a day for
    /// 2,000 feeds fetched every half hour.
    public var fetchLogRetentionSeconds: Int64 = 30 * 86_400
    public var userAgent = "ainews/0.1.0 (+https://github.com/ainews; feed reader)"
    /// How much one source counts when the digest ranks stories, by host ("openai.com" also
    /// covers "www.openai.com"); 1 for hosts not listed.
    public var sourceWeights: [String: Double] = [:]
    /// The most stories one section of a digest lists.
    public var digestMaxStories = 25
    public var mail = MailSettings()
    /// An OpenAI-compatible chat-completions URL for abstractive summaries; nil keeps them
    /// extractive. The API key, if any, comes from $AINEWS_SUMMARY_API_KEY.
    public var summaryEndpoint: String?
    public var summaryModel = "llama3.1"
    public var summaryTimeoutSeconds = 60

    public init() {}

    /// How the newsletter is sent and to whom.
    public struct MailSettings: Sendable, Equatable {
        public enum Transport: String, Sendable, CaseIterable {
            case smtp, sendmail, maildir
        }

        public enum StartTLS: String, Sendable, CaseIterable {
            case required, opportunistic, off
        }

        /// "Name <address>" or a bare address; needed to publish.
        public var from: String?
        public var recipients: [String] = []
        /// One address a line, `#` comments; read when publishing, added to `recipients`.
        public var recipientsFile: String?
        /// Placeholders: {period} {items} {stories} {open} {closed} {both} {none} (stories per section).
        public var subject = "AI models this week — {period}: {open} open, {closed} closed"
        public var listID: String?
        public var unsubscribeMailto: String?
        public var unsubscribeURL: String?
        public var transport = Transport.smtp
        public var smtpURL = "smtp://localhost:25"
        public var startTLS = StartTLS.required
        public var smtpUsername: String?
        /// The password is read from $AINEWS_SMTP_PASSWORD, else from this file; never logged.
        public var smtpPasswordFile: String?
        public var smtpTimeoutSeconds = 60
        /// Attempts after the first for a transient failure (4xx, connection refused), with backoff.
        public var retries = 3
        public var retryDelaySeconds = 5
        public var sendmailPath = "/usr/sbin/sendmail"
        public var maildir: String?

        public init() {}
    }

    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public var source: String
        public var key: String
        public var message: String
        public var description: String { "\(source): \(key): \(message)" }
    }

    /// Reads `file` (when given) over the defaults, then the environment over both.
    public static func load(file: String?, environment: [String: String]) throws(Settings.Error) -> Settings {
        var settings = Settings()
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Error(source: file, key: "-", message: "cannot read the file")
            }
            for (offset, rawLine) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = rawLine.trimmingSpacesAndTabs()
                guard !line.isEmpty, !line.hasPrefix("#") else { continue }
                let source = "\(file):\(offset + 1)"
                guard let equals = line.firstIndex(of: "=") else { throw Error(source: source, key: line, message: "expected 'key = value'") }
                let key = line[..<equals].trimmingSpacesAndTabs()
                let value = line[line.index(after: equals)...].trimmingSpacesAndTabs()
                try settings.set(key, to: value, source: source)
            }
        }
        for key in keys {
            if let value = environment["AINEWS_" + key.uppercased()] {
                try settings.set(key, to: value, source: "environment AINEWS_\(key.uppercased())")
            }
        }
        return settings
    }

    static let keys = [
        "database", "knowledge_base", "extra_knowledge", "fetch_interval", "max_connections", "max_connections_per_host", "max_body_size",
        "connect_timeout", "total_timeout", "retention", "fetch_log_retention", "user_agent", "source_weights", "digest_max_stories",
        "mail_from", "recipients", "recipients_file", "subject", "list_id", "unsubscribe_mailto", "unsubscribe_url", "mail_transport", "smtp_url",
        "smtp_starttls", "smtp_username", "smtp_password_file", "smtp_timeout", "smtp_retries", "smtp_retry_delay", "sendmail_path", "maildir",
        "summary_endpoint", "summary_model", "summary_timeout",
    ]

    mutating func set(_ key: String, to value: String, source: String) throws(Settings.Error) {
        func fail(_ message: String) -> Error { Error(source: source, key: key, message: message) }
        switch key {
        case "database":
            guard !value.isEmpty else { throw fail("needs a path") }
            database = value
        case "knowledge_base": knowledgeBase = value.isEmpty ? nil : value
        case "extra_knowledge": extraKnowledge = value.isEmpty ? nil : value
        case "fetch_interval":
            guard let seconds = Self.duration(value), seconds >= 60 else { throw fail("'\(value)' is not a duration of at least 1m (e.g. 30m, 2h)") }
            fetchIntervalSeconds = seconds
        case "max_connections", "max_connections_per_host":
            guard let number = Int(value), (1...256).contains(number) else { throw fail("'\(value)' is not a number from 1 to 256") }
            if key == "max_connections" { maxConnections = number } else { maxConnectionsPerHost = number }
        case "max_body_size":
            guard let bytes = Self.size(value), bytes >= 1024 else { throw fail("'\(value)' is not a size of at least 1KiB (e.g. 16MiB)") }
            maxBodyBytes = bytes
        case "connect_timeout", "total_timeout":
            guard let seconds = Self.duration(value), (1...3600).contains(seconds) else { throw fail("'\(value)' is not a duration from 1s to 1h") }
            if key == "connect_timeout" { connectTimeoutSeconds = Int(seconds) } else { totalTimeoutSeconds = Int(seconds) }
        case "retention", "fetch_log_retention":
            guard let seconds = Self.duration(value) else { throw fail("'\(value)' is not a duration (e.g. 180d, or 0 to keep everything)") }
            if key == "retention" { retentionSeconds = seconds } else { fetchLogRetentionSeconds = seconds }
        case "user_agent":
            guard !value.isEmpty, !value.contains("\r"), !value.contains("\n") else { throw fail("needs one line of text") }
            userAgent = value
        case "source_weights":
            var weights: [String: Double] = [:]
            for pair in value.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingSpacesAndTabs() }
                guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("/"), let weight = Double(parts[1]), weight >= 0, weight <= 100 else {
                    throw fail("'\(pair)' is not host=weight (e.g. openai.com=2, techcrunch.com=1.5)")
                }
                weights[parts[0].lowercased()] = weight
            }
            sourceWeights = weights
        case "digest_max_stories":
            guard let number = Int(value), (1...1000).contains(number) else { throw fail("'\(value)' is not a number from 1 to 1000") }
            digestMaxStories = number
        case "mail_from":
            guard value.isEmpty || (Self.isOneLine(value) && value.contains("@")) else {
                throw fail("'\(value)' is not an address such as AI News <news@example.org>")
            }
            mail.from = value.isEmpty ? nil : value
        case "recipients":
            let addresses = value.split(separator: ",").map { $0.trimmingSpacesAndTabs() }.filter { !$0.isEmpty }
            if let bad = addresses.first(where: { !Self.isOneLine($0) || !$0.contains("@") }) { throw fail("'\(bad)' is not an address") }
            mail.recipients = addresses
        case "recipients_file": mail.recipientsFile = value.isEmpty ? nil : value
        case "subject":
            guard !value.isEmpty, Self.isOneLine(value) else { throw fail("needs one line of text") }
            mail.subject = value
        case "list_id": mail.listID = value.isEmpty ? nil : value
        case "unsubscribe_mailto":
            guard value.isEmpty || (Self.isOneLine(value) && value.contains("@")) else { throw fail("'\(value)' is not an address") }
            mail.unsubscribeMailto = value.isEmpty ? nil : value
        case "unsubscribe_url":
            guard value.isEmpty || (Self.isOneLine(value) && value.hasPrefix("https://")) else { throw fail("'\(value)' is not an https:// URL") }
            mail.unsubscribeURL = value.isEmpty ? nil : value
        case "mail_transport":
            guard let transport = MailSettings.Transport(rawValue: value) else { throw fail("'\(value)' is not smtp, sendmail or maildir") }
            mail.transport = transport
        case "smtp_url":
            guard value.hasPrefix("smtp://") || value.hasPrefix("smtps://"), Self.isOneLine(value) else {
                throw fail("'\(value)' is not an smtp:// or smtps:// URL")
            }
            mail.smtpURL = value
        case "smtp_starttls":
            guard let mode = MailSettings.StartTLS(rawValue: value) else { throw fail("'\(value)' is not required, opportunistic or off") }
            mail.startTLS = mode
        case "smtp_username": mail.smtpUsername = value.isEmpty ? nil : value
        case "smtp_password_file": mail.smtpPasswordFile = value.isEmpty ? nil : value
        case "smtp_timeout":
            guard let seconds = Self.duration(value), (1...3600).contains(seconds) else { throw fail("'\(value)' is not a duration from 1s to 1h") }
            mail.smtpTimeoutSeconds = Int(seconds)
        case "smtp_retries":
            guard let number = Int(value), (0...20).contains(number) else { throw fail("'\(value)' is not a number from 0 to 20") }
            mail.retries = number
        case "smtp_retry_delay":
            guard let seconds = Self.duration(value), seconds <= 3600 else { throw fail("'\(value)' is not a duration up to 1h") }
            mail.retryDelaySeconds = Int(seconds)
        case "sendmail_path":
            guard value.hasPrefix("/") else { throw fail("needs an absolute path") }
            mail.sendmailPath = value
        case "maildir": mail.maildir = value.isEmpty ? nil : value
        case "summary_endpoint":
            guard value.isEmpty || ((value.hasPrefix("http://") || value.hasPrefix("https://")) && Self.isOneLine(value)) else {
                throw fail("'\(value)' is not an http(s) URL such as http://127.0.0.1:11434/v1/chat/completions")
            }
            summaryEndpoint = value.isEmpty ? nil : value
        case "summary_model":
            guard !value.isEmpty, Self.isOneLine(value) else { throw fail("needs a model name") }
            summaryModel = value
        case "summary_timeout":
            guard let seconds = Self.duration(value), (1...600).contains(seconds) else { throw fail("'\(value)' is not a duration from 1s to 10m") }
            summaryTimeoutSeconds = Int(seconds)
        default:
            throw fail("unknown key; known keys: \(Self.keys.joined(separator: ", "))")
        }
    }

    static func isOneLine(_ value: String) -> Bool { !value.contains("\r") && !value.contains("\n") }

    /// "45s", "30m", "2h", "7d", or plain seconds.
    static func duration(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let last = text.last, let unit = units[last], let number = Int64(text.dropLast()), number >= 0 { return number * unit }
        return Int64(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// "512KiB", "16MiB", or plain bytes.
    static func size(_ text: String) -> Int? {
        for (suffix, factor) in [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)] where text.hasSuffix(suffix) {
            return Int(text.dropLast(suffix.count)).flatMap { $0 >= 0 ? $0 * factor : nil }
        }
        return Int(text)
    }
}

extension Settings {
    /// The weight of a feed or item URL: its host's, else its parent domain's, else 1.
    public func sourceWeight(url: String) -> Double {
        guard let schemeEnd = url.firstRange(of: "://") else { return 1 }
        var host = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }.lowercased()
        while true {
            if let weight = sourceWeights[host] { return weight }
            guard let dot = host.firstIndex(of: ".") else { return 1 }
            host = String(host[host.index(after: dot)...])
        }
    }
}
