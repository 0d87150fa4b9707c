import AINewsCore
import AINewsDigest
import AINewsService
import AINewsStore
import AINewsUpdate
import ArgumentParser
import Foundation

/// Where the settings come from: --config, else $AINEWS_CONFIG, else /etc/ainews/ainews.conf
/// when it exists; AINEWS_<KEY> variables win over the file.
struct ConfigOptions: ParsableArguments {
    @Option(help: "The config file (default: $AINEWS_CONFIG, else /etc/ainews/ainews.conf when it exists).")
    var config: String?

    func settings() throws -> Settings {
        let environment = ProcessInfo.processInfo.environment
        let file =
            config ?? environment["AINEWS_CONFIG"]
            ?? (FileManager.default.fileExists(atPath: "/etc/ainews/ainews.conf") ? "/etc/ainews/ainews.conf" : nil)
        do {
            return try Settings.load(file: file, environment: environment)
        } catch {
            throw CommandFailure("invalid configuration: \(error)")
        }
    }
}

/// `ainews digest`: build, list, read and syndicate the weekly digests.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "Build, list and read the weekly digests.",
        subcommands: [Build.self, List.self, Show.self, Feed.self])

    /// One line on standard error when the summary endpoint failed for some stories.
    static func warn(about summaryFailures: [String]) {
        guard let first = summaryFailures.first else { return }
        FileHandle.standardError.write(
            Data(
                "warning: the summary endpoint failed for \(summaryFailures.count) stories, which keep their extractive summaries; first: \(first)\n"
                    .utf8))
    }

    static func now() -> Timestamp { Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)) }

    /// A stored revision: the latest of `period` (or of the latest period) unless one is named.
    static func find(in store: Store, period: String?, revision: Int?) throws -> StoredDigest {
        let name = try period.map(normalisedPeriod)
        let candidates = try store.digests(period: name)
        guard !candidates.isEmpty else {
            if let name { throw CommandFailure("no digest for \(name); build it with: ainews digest build --week \(name)") }
            throw CommandFailure("no digest yet; build one with: ainews digest build")
        }
        let latestPeriod = name ?? candidates.last!.period
        let ofPeriod = candidates.filter { $0.period == latestPeriod }
        guard let revision else { return ofPeriod.last! }
        guard let found = ofPeriod.first(where: { $0.revision == revision }) else {
            throw CommandFailure(
                "\(latestPeriod) has no revision \(revision) (revisions: \(ofPeriod.map { String($0.revision) }.joined(separator: ", ")))")
        }
        return found
    }

    /// "2026-w48" and "2026W48" name the week "2026-W48"; a day range is kept as written.
    static func normalisedPeriod(_ text: String) throws -> String {
        if text.contains("..") { return text }
        guard let week = Period(week: text) else { throw CommandFailure("'\(text)' is not an ISO week such as 2026-W48") }
        return week.name
    }

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build (or rebuild) a period's digest from the stored items and store it as a new revision.",
            discussion: "Without --week or --from/--to, the last complete ISO week. A rebuild that changes nothing keeps the latest revision.")

        @Option(help: "An ISO week, e.g. 2026-W48.")
        var week: String?

        @Option(help: "The first day, YYYY-MM-DD (with --to).")
        var from: String?

        @Option(help: "The last day, YYYY-MM-DD, included (with --from).")
        var to: String?

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var config: ConfigOptions
        @OptionGroup var knowledge: KnowledgeOptions

        func validate() throws {
            if week != nil, from != nil || to != nil { throw ValidationError("give --week or --from/--to, not both") }
            if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together") }
        }

        func period(now: Timestamp) throws -> Period {
            if let week {
                guard let period = Period(week: week) else { throw CommandFailure("'\(week)' is not an ISO week such as 2026-W48") }
                return period
            }
            if let from, let to {
                guard let first = Period.parseDay(from), let last = Period.parseDay(to) else { throw CommandFailure("dates are YYYY-MM-DD") }
                guard let period = Period.days(from: first, to: last) else { throw CommandFailure("--to is before --from") }
                return period
            }
            return Period.week(containing: Timestamp(secondsSince1970: now.secondsSince1970 - 7 * 86_400))
        }

        func run() throws {
            let settings = try config.settings()
            let store = try database.open()
            let now = DigestCommand.now()
            let period = try period(now: now)
            let result = try DigestPipeline(store: store, settings: settings, tagger: try knowledge.tagger()).build(period: period, at: now)
            let digest = result.digest
            DigestCommand.warn(about: result.summaryFailures)
            print(
                "\(period.name) revision \(result.stored.revision)\(result.isNew ? "" : " (unchanged)"): \(digest.numbers.items) items in \(digest.numbers.stories) stories"
            )
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored digests and their revisions.")

        @Flag(help: "Print JSON lines.")
        var json = false

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let digests = try store.digests()
            if digests.isEmpty, !json { print("no digests yet; build one with: ainews digest build") }
            if !digests.isEmpty, !json { print("PERIOD                  REV  BUILT                 PUBLISHED             ITEMS  STORIES") }
            for stored in digests {
                let digest = try DigestCoding.decode(stored)
                if json {
                    let object: [String: Any] = [
                        "period": stored.period, "revision": stored.revision, "built": stored.builtAt.rfc3339,
                        "published": stored.publishedAt?.rfc3339 ?? NSNull(), "items": digest.numbers.items, "stories": digest.numbers.stories,
                    ]
                    print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
                } else {
                    print(
                        stored.period.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%5d", stored.revision) + "  "
                            + stored.builtAt.rfc3339 + "  " + (stored.publishedAt?.rfc3339 ?? "-").padding(toLength: 20, withPad: " ", startingAt: 0)
                            + String(format: "%6d %8d", digest.numbers.items, digest.numbers.stories))
                }
            }
        }
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, html, json
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a stored digest (default: the latest revision of the latest period).")

        @Argument(help: "The period, e.g. 2026-W48.")
        var period: String?

        @Option(help: "A revision other than the latest.")
        var revision: Int?

        @Option(help: "text (72 columns), markdown, html or json.")
        var format: Format = .text

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let stored = try DigestCommand.find(in: store, period: period, revision: revision)
            let digest = try DigestCoding.decode(stored)
            switch format {
            case .text: print(DigestRenderer.text(digest), terminator: "")
            case .markdown: print(DigestRenderer.markdown(digest), terminator: "")
            case .html: print(DigestRenderer.html(digest), terminator: "")
            case .json: print(stored.content)
            }
        }
    }

    struct Feed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the published digests as an Atom feed, so readers can subscribe to the newsletter.")

        @Option(help: "Write to this file (atomically) instead of standard output.")
        var output: String?

        @Option(help: "The newsletter's web address, for the feed's link.")
        var link: String?

        @Option(help: "The feed's title.")
        var title = "AI models this week"

        @Flag(help: "Also list the latest revision of periods not published yet.")
        var includeUnpublished = false

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            var chosen: [String: StoredDigest] = [:]
            for stored in try store.digests() {
                // The published revision of a period, else (when asked) its latest.
                if stored.publishedAt != nil || includeUnpublished, chosen[stored.period]?.publishedAt == nil || stored.publishedAt != nil {
                    if chosen[stored.period]?.publishedAt != nil, stored.publishedAt != nil, chosen[stored.period]!.revision > stored.revision {
                        continue
                    }
                    chosen[stored.period] = stored
                }
            }
            let entries = try chosen.values.map { (stored: $0, digest: try DigestCoding.decode($0)) }
            let atom = DigestFeed.atom(entries, title: title, link: link, now: DigestCommand.now())
            if let output {
                do {
                    try Data(atom.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw CommandFailure("\(output): \(error.localizedDescription)")
                }
            } else {
                print(atom, terminator: "")
            }
        }
    }
}
