import AINewsCore
import AINewsFetch
import AINewsParse
import AINewsStore
import AINewsUpdate
import ArgumentParser
import Foundation

/// The wall clock, read here at the edge and passed inward.
enum Clock {
    static var now: Timestamp { Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)) }
}

extension DatabaseOptions {
    func open() throws -> Store {
        do {
            let directory = URL(fileURLWithPath: resolvedPath).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try Store(path: resolvedPath)
        } catch {
            throw CommandFailure("\(resolvedPath): \(error)")
        }
    }
}

/// `ainews feeds`: the subscription list.
struct Feeds: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, remove, list, import and export the feeds.", subcommands: [Add.self, Remove.self, List.self, Import.self, Export.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe to a feed.",
            discussion:
                "The URL is fetched first: a feed is added as it is; a web page is searched for the feeds it advertises, and the first is added.")
        @Argument(help: "The feed's URL, or a site's page that advertises its feed.") var url: String
        @Option(help: "A title until the feed gives its own.") var title: String?
        @Flag(help: "Add the URL as it is, without fetching it.") var noCheck = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            guard let scheme = URLResolver.scheme(of: url), scheme == "http" || scheme == "https" else {
                throw CommandFailure("\(url): only http and https feeds can be fetched")
            }
            let feedURL = noCheck ? url : try discoverFeed(at: url)
            let feed = try database.open().addFeed(url: feedURL, title: title, at: Clock.now)
            print("feed \(feed.id): \(feed.url)")
        }

        /// `url` when it serves a feed; the first feed its page advertises when it serves HTML.
        private func discoverFeed(at url: String) throws -> String {
            var body: [UInt8] = []
            let response: FetchResponse
            do {
                response = try HTTPGet.fetch(FetchRequest(url: url, maxBodyBytes: 8 << 20)) { chunk, _ in body.append(contentsOf: chunk) }
            } catch {
                throw CommandFailure("\(url): \(error) (use --no-check to add it anyway)")
            }
            guard (200..<300).contains(response.status) else {
                throw CommandFailure("\(url): HTTP status \(response.status) (use --no-check to add it anyway)")
            }
            var configuration = FeedParser.Configuration()
            configuration.baseURL = response.effectiveURL
            configuration.contentType = response.contentType
            do {
                _ = try FeedParser(configuration: configuration).parse(body)
                return url
            } catch FeedParseError.notAFeed(let reason) where reason.contains("HTML") {
                let links = FeedDiscovery.alternateLinks(inHTML: body, base: response.effectiveURL)
                guard let first = links.first else { throw CommandFailure("\(url): a web page that advertises no feed") }
                print("\(url) is a web page advertising \(links.joined(separator: ", ")); subscribing to \(first)")
                return first
            } catch {
                throw CommandFailure("\(url): \(error)")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unsubscribe from a feed, deleting its entries.")
        @Argument(help: "The feed's URL.") var url: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            guard try database.open().removeFeed(url: url) else { throw CommandFailure("\(url): no such feed") }
            print("removed \(url)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the feeds.")
        @Flag(help: "Print JSON lines.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            for feed in try database.open().feeds() {
                if json {
                    print(JSONLine.encode(["id": feed.id, "url": feed.url, "title": feed.title as Any, "enabled": feed.isEnabled]))
                } else {
                    print("\(feed.id)\t\(feed.isEnabled ? "on " : "off")\t\(feed.url)\t\(feed.title ?? "")")
                }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Subscribe to every feed of an OPML file.")
        @Argument(help: "The OPML file.") var file: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file): cannot read the file") }
            let feeds: [OPMLFeed]
            do {
                feeds = try OPML.feeds(in: Array(data))
            } catch {
                throw CommandFailure("\(file): \(error)")
            }
            let store = try database.open()
            let before = try store.feeds().count
            for feed in feeds { try store.addFeed(url: feed.url, title: feed.title, at: Clock.now) }
            print("imported \(try store.feeds().count - before) new of \(feeds.count) feeds from \(file)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the feeds as OPML.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let feeds = try database.open().feeds().map { OPMLFeed(url: $0.url, title: $0.title, siteURL: $0.siteURL) }
            print(OPML.document(title: "ainews subscriptions", feeds: feeds), terminator: "")
        }
    }
}

/// `ainews fetch`: one cycle now, over every enabled feed (or one), whatever their schedule.
struct FetchFeeds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fetch", abstract: "Fetch feeds now and store what is new.")
    @Argument(help: "Only this feed's URL.") var url: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var knowledge: KnowledgeOptions

    func run() async throws {
        let store = try database.open()
        let feeds = try store.feeds().filter { $0.isEnabled && (url == nil || $0.url == url) }
        if let url, feeds.isEmpty { throw CommandFailure("\(url): no such feed (add it with 'ainews feeds add')") }
        let tagger = try? knowledge.tagger()
        let fetcher = Fetcher()
        defer { fetcher.shutdown() }
        // A progress bar on a terminal; plain lines otherwise.
        let isTerminal = isatty(STDOUT_FILENO) == 1
        let reports = try await FeedUpdater(fetcher: fetcher).update(feeds, store: store, tagger: tagger, at: Clock.now) { @Sendable done, total in
            guard isTerminal else { return }
            let width = 30
            let filled = total == 0 ? width : done * width / total
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardOutput.write(Data("\r[\(bar)] \(done)/\(total) feeds".utf8))
            if done == total { FileHandle.standardOutput.write(Data("\n".utf8)) }
        }
        var failed = 0
        for report in reports {
            if let error = report.error {
                failed += 1
                print("\(report.url): \(error)")
            } else {
                print("\(report.url): \(report.status.map { "HTTP \($0)" } ?? "ok"), \(report.newEntries) new, \(report.updatedEntries) updated")
            }
        }
        if failed > 0 { throw ExitCode(2) }
    }
}

/// `ainews entries`: stored entries, newest last.
struct Entries: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List stored entries.")
    @Option(help: "Only entries first seen since this date (YYYY-MM-DD or RFC 3339).") var since: String?
    @Option(help: "Only entries of this feed's URL.") var feed: String?
    @Flag(help: "Print JSON lines.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        var feedID: Int64?
        if let feed {
            guard let record = try store.feeds().first(where: { $0.url == feed }) else { throw CommandFailure("\(feed): no such feed") }
            feedID = record.id
        }
        var start: Timestamp?
        if let since {
            guard let parsed = DateParser.parse(since)?.timestamp else { throw CommandFailure("--since \(since): not a date") }
            start = parsed
        }
        for stored in try store.entries(since: start, feedID: feedID) {
            let entry = stored.entry
            if json {
                print(
                    JSONLine.encode([
                        "id": stored.id, "feed": stored.feedID, "title": entry.title as Any, "link": entry.link as Any,
                        "published": (entry.published ?? entry.updated)?.rfc3339 as Any, "firstSeen": stored.firstSeenAt.rfc3339,
                        "tag": stored.tag?.label as Any,
                    ]))
            } else {
                let tag = stored.tag.map { "[\($0.label)] " } ?? ""
                print("\((entry.published ?? stored.firstSeenAt).rfc3339)  \(tag)\(entry.title ?? "(untitled)")\n    \(entry.link ?? "")")
            }
        }
    }
}

/// `ainews status`: per-feed health; exits 1 when any enabled feed is failing, for monitoring.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show each feed's health; exit 1 when feeds are failing.")
    @Flag(help: "Print JSON lines.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        let feeds = try store.feeds()
        var failing = 0
        for feed in feeds {
            let isFailing = feed.isEnabled && feed.consecutiveFailures > 0
            if isFailing { failing += 1 }
            if json {
                print(
                    JSONLine.encode([
                        "url": feed.url, "enabled": feed.isEnabled, "lastSuccess": feed.lastSuccessAt?.rfc3339 as Any,
                        "lastError": feed.lastError as Any, "failures": feed.consecutiveFailures, "nextFetch": feed.nextFetchAt?.rfc3339 as Any,
                        "disabledReason": feed.disabledReason as Any,
                    ]))
            } else {
                let state =
                    !feed.isEnabled
                    ? "disabled: \(feed.disabledReason ?? "")" : isFailing ? "FAILING ×\(feed.consecutiveFailures): \(feed.lastError ?? "")" : "ok"
                print(
                    "\(feed.url)\n    \(state)\n    last success \(feed.lastSuccessAt?.rfc3339 ?? "never"), next \(feed.nextFetchAt?.rfc3339 ?? "now")"
                )
            }
        }
        if !json { print(try newsletterLine(store)) }
        if failing > 0 {
            if !json { print("\(failing) of \(feeds.count) feeds failing") }
            throw ExitCode(1)
        }
    }

    /// The last mailing: which revision, when, and how its deliveries stand.
    private func newsletterLine(_ store: Store) throws -> String {
        guard let published = try store.digests().last(where: { $0.publishedAt != nil }), let at = published.publishedAt else {
            return "newsletter: nothing published yet"
        }
        let deliveries = try store.deliveries(digestID: published.id).values
        let sent = deliveries.filter { $0.status == .sent }.count
        let refused = deliveries.filter { $0.status == .failed && $0.isPermanent }.count
        let pending = deliveries.count - sent - refused
        var line = "newsletter: \(published.period) revision \(published.revision) published \(at.rfc3339): \(sent) sent"
        if refused > 0 { line += ", \(refused) refused" }
        if pending > 0 { line += ", \(pending) not sent yet (run ainews publish \(published.period) again)" }
        return line
    }
}

/// One JSON object a line, nil values left out.
enum JSONLine {
    static func encode(_ object: [String: Any]) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: object.compactMapValues(unwrap), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func unwrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrap($0.value) } ?? nil
    }
}
