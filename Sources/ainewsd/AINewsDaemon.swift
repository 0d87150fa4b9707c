import AINewsCore
import AINewsFetch
import AINewsSchedule
import AINewsService
import AINewsStore
import AINewsTag
import AINewsUpdate
import ArgumentParser
import CJemalloc
import Dispatch
import FoundationEssentials
import Glibc
import Synchronization

@main
struct AINewsDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ainewsd",
        abstract: "Fetch the feeds on schedule, store and tag what is new; runs until SIGTERM (SIGHUP reloads).",
        version: "0.1.0")

    @Option(help: "The config file (default: $AINEWS_CONFIG, else /etc/ainews/ainews.conf when it exists).")
    var config: String?

    @Flag(help: "Run one cycle over the due feeds, then exit.")
    var once = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let file =
            config ?? environment["AINEWS_CONFIG"]
            ?? (FileManager.default.fileExists(atPath: "/etc/ainews/ainews.conf") ? "/etc/ainews/ainews.conf" : nil)
        do {
            try await Daemon(configFile: file, environment: environment).run(once: once)
        } catch let error as Settings.Error {
            throw DaemonFailure("invalid configuration: \(error)")
        }
    }
}

struct DaemonFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The daemon's loop: wires settings, store, fetcher, tagger and scheduler together.
final class Daemon {
    private let configFile: String?
    private let environment: [String: String]
    private let notifier: SystemdNotifier
    private let signals = SignalState()
    private var sources: [DispatchSourceSignal] = []

    init(configFile: String?, environment: [String: String]) {
        self.configFile = configFile
        self.environment = environment
        notifier = SystemdNotifier(environment: environment)
    }

    func run(once: Bool) async throws {
        var settings = try Settings.load(file: configFile, environment: environment)
        var tagger = try loadTagger(settings)
        let store: Store
        do {
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: settings.database).deletingLastPathComponent().path, withIntermediateDirectories: true)
            store = try Store(path: settings.database, checkpointsInBackground: true)
        } catch {
            throw DaemonFailure("\(settings.database): \(error)")
        }
        var fetcher = makeFetcher(settings)
        signals.fetcher.withLock { $0 = fetcher }
        installSignalHandlers()
        let feedCount = try store.feeds().count
        log("info", "started database=\(settings.database) feeds=\(feedCount)")
        notifier.ready(status: "watching \(feedCount) feeds")
        var lastPurge: Timestamp?
        while true {
            let now = Clock.now
            let due = try store.feeds().filter { $0.isEnabled && ($0.nextFetchAt ?? now) <= now }
            if !due.isEmpty {
                notifier.status("fetching \(due.count) feeds")
                let updater = FeedUpdater(configuration: updaterConfiguration(settings), fetcher: fetcher)
                let progress = CycleProgress(notifier: notifier)
                let reports = try await updater.update(due, store: store, tagger: tagger, at: now) { done, total in
                    progress.stored(done, of: total)
                }
                // A line for each feed that failed or brought something new, then one for the
                // cycle: a feed with nothing new says nothing, or the journal would take a line a
                // feed every half hour (96,000 a day for 2,000 feeds). `ainews status` shows them all.
                for report in reports {
                    if let error = report.error {
                        log(
                            "warning",
                            "feed=\(report.url) status=\(report.status.map(String.init) ?? "-") error=\"\(error)\" next=\(report.nextFetchAt?.rfc3339 ?? "never")"
                        )
                    } else if report.newEntries > 0 || report.updatedEntries > 0 {
                        log(
                            "info",
                            "feed=\(report.url) status=\(report.status.map(String.init) ?? "-") new=\(report.newEntries) updated=\(report.updatedEntries) next=\(report.nextFetchAt?.rfc3339 ?? "never")"
                        )
                    }
                }
                let failed = reports.filter { $0.error != nil }.count
                log(
                    "info",
                    "cycle feeds=\(reports.count) failed=\(failed) new=\(reports.reduce(0) { $0 + $1.newEntries }) updated=\(reports.reduce(0) { $0 + $1.updatedEntries }) seconds=\(Clock.now.secondsSince1970 - now.secondsSince1970)"
                )
            }
            // Once a day: entries past their retention, and the fetch log's old rows.
            if lastPurge.map({ now.secondsSince1970 - $0.secondsSince1970 >= 86_400 }) ?? true {
                if settings.retentionSeconds > 0 {
                    let purged = try store.purge(
                        firstSeenBefore: Timestamp(secondsSince1970: now.secondsSince1970 - settings.retentionSeconds), at: now)
                    if purged > 0 { log("info", "purged=\(purged) older than retention") }
                }
                if settings.fetchLogRetentionSeconds > 0 {
                    let trimmed = try store.purgeFetchLog(
                        before: Timestamp(secondsSince1970: now.secondsSince1970 - settings.fetchLogRetentionSeconds))
                    if trimmed > 0 { log("info", "fetch_log_trimmed=\(trimmed) older than fetch_log_retention") }
                }
                lastPurge = now
            }
            if once || signals.flags.withLock({ $0.stop }) { break }
            if !due.isEmpty {
                store.truncateLogInBackground()
                // The allocator gives freed pages back as it goes, but an idle daemon hardly
                // allocates: its busiest cycle's memory would stay through the idle half hour after.
                cjemalloc_release_free_memory()
            }
            let feeds = try store.feeds()
            let next = feeds.filter(\.isEnabled).compactMap(\.nextFetchAt).min()
            notifier.status("\(feeds.count) feeds; next fetch \(next?.rfc3339 ?? "when one is added")")
            // Wait for the next due feed (at most a minute, to notice added feeds), a second at a time.
            let wake = min(next?.secondsSince1970 ?? now.secondsSince1970 + 60, Clock.now.secondsSince1970 + 60)
            while Clock.now.secondsSince1970 < wake, !signals.flags.withLock({ $0.stop || $0.reload }) {
                notifier.watchdog()
                try? await Task.sleep(for: .seconds(1))
            }
            if signals.flags.withLock({ $0.stop }) { break }
            if signals.flags.withLock({ state in
                defer { state.reload = false }
                return state.reload
            }) {
                notifier.reloading()
                do {
                    settings = try Settings.load(file: configFile, environment: environment)
                    tagger = try loadTagger(settings)
                    fetcher.shutdown()
                    fetcher = makeFetcher(settings)
                    signals.fetcher.withLock { $0 = fetcher }
                    log("info", "reloaded configuration and knowledge base")
                } catch {
                    log("error", "reload failed, keeping the previous configuration: \(error)")
                }
                notifier.ready(status: "reloaded")
            }
        }
        notifier.stopping()
        fetcher.shutdown()
        log("info", "stopped")
    }

    private func loadTagger(_ settings: Settings) throws -> Tagger {
        let directory = settings.knowledgeBase ?? KnowledgeBaseLoader.defaultDirectory(executablePath: CommandLine.arguments[0])
        do {
            return Tagger(knowledgeBase: try KnowledgeBaseLoader.load(directory: directory, extraFiles: settings.extraKnowledge.map { [$0] } ?? []))
        } catch {
            throw DaemonFailure("knowledge base: \(error)")
        }
    }

    private func makeFetcher(_ settings: Settings) -> Fetcher {
        var configuration = Fetcher.Configuration()
        configuration.maxConnections = settings.maxConnections
        configuration.maxConnectionsPerHost = settings.maxConnectionsPerHost
        return Fetcher(configuration: configuration)
    }

    private func updaterConfiguration(_ settings: Settings) -> FeedUpdater.Configuration {
        var configuration = FeedUpdater.Configuration()
        configuration.scheduler.defaultIntervalSeconds = settings.fetchIntervalSeconds
        configuration.maxBodyBytes = settings.maxBodyBytes
        configuration.connectTimeoutSeconds = settings.connectTimeoutSeconds
        configuration.totalTimeoutSeconds = settings.totalTimeoutSeconds
        configuration.userAgent = settings.userAgent
        // A few feeds beyond the transfers keep the tagging tasks and the store busy while the
        // next transfers start; more only hold parsed feeds in memory (fetch benchmark: 2.9 s and
        // 53 MiB with 40 for 32 connections, 3.4 s and 63 MiB with 64).
        configuration.maxFeedsInFlight = settings.maxConnections + settings.maxConnections / 4
        return configuration
    }

    /// SIGTERM and SIGINT stop (cutting transfers in flight), SIGHUP reloads.
    private func installSignalHandlers() {
        for (number, isStop) in [(SIGTERM, true), (SIGINT, true), (SIGHUP, false)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let state = signals
            source.setEventHandler {
                state.flags.withLock { if isStop { $0.stop = true } else { $0.reload = true } }
                if isStop { state.fetcher.withLock { $0 }?.shutdown() }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// One line a record, `key=value`, to standard output for journald.
    private func log(_ level: String, _ message: String) {
        var line = "level=\(level) \(message)\n"
        line.withUTF8 { bytes in
            var written = 0
            while written < bytes.count {
                let count = write(STDOUT_FILENO, bytes.baseAddress! + written, bytes.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return }
                written += count
            }
        }
    }
}

/// Keeps systemd's watchdog fed while a cycle makes progress, a ping (and a status) at most every
/// second. Between cycles the loop pings; a cycle of thousands of feeds, some on slow servers, can
/// outlast `WatchdogSec=`, and a stored result is the sign that it is not stuck: every transfer
/// ends within its total timeout, well inside the watchdog's interval.
final class CycleProgress: Sendable {
    private let notifier: SystemdNotifier
    private let lastPing = Mutex<ContinuousClock.Instant?>(nil)

    init(notifier: SystemdNotifier) {
        self.notifier = notifier
    }

    /// Called from the store's writer thread after each stored result.
    func stored(_ done: Int, of total: Int) {
        let now = ContinuousClock.now
        let isDue = lastPing.withLock { last in
            guard last.map({ now - $0 >= .seconds(1) }) ?? true else { return false }
            last = now
            return true
        }
        guard isDue else { return }
        notifier.watchdog()
        notifier.status("fetching \(total) feeds: \(done) done")
    }
}

/// What the signal handlers share with the loop.
final class SignalState: Sendable {
    struct Flags {
        var stop = false
        var reload = false
    }

    let flags = Mutex(Flags())
    /// The fetcher in use, so that a stop can cut its transfers.
    let fetcher = Mutex<Fetcher?>(nil)
}

enum Clock {
    static var now: Timestamp { Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)) }
}
