import AINewsParse
import Foundation

// Parse benchmark: parses a corpus of feed files over and over in one process on one thread,
// and prints MB/s and entries/s next to libxml2's own SAX2 speed over the same bytes with
// do-nothing callbacks, the ceiling for this design, and beside both the speed of callbacks that
// only keep each element's text as a String: the floor of any parser that produces values.
//
//   swift run -c release parse-benchmark [--seconds N | --passes N] [FILE|DIR ...]
//
// Without paths it reads Config/samples and Tests/ParseTests/Fixtures.

struct Options {
    var seconds = 3.0
    /// A fixed number of passes instead of a time budget, for instruction counting under callgrind.
    var passes: Int?
    var paths: [String] = []

    init(arguments: [String]) {
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            if argument == "--seconds", let value = rest.popFirst().flatMap(Double.init) {
                seconds = value
            } else if argument == "--passes", let value = rest.popFirst().flatMap(Int.init) {
                passes = value
            } else {
                paths.append(argument)
            }
        }
        if paths.isEmpty { paths = ["Config/samples", "Tests/ParseTests/Fixtures"] }
    }
}

func feedFiles(under paths: [String]) -> [String] {
    var files: [String] = []
    for path in paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
        if isDirectory.boolValue {
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let relative = enumerator?.nextObject() as? String {
                if relative.hasSuffix(".xml") || relative.hasSuffix(".rss") || relative.hasSuffix(".atom") || relative.hasSuffix(".rdf") {
                    files.append(path + "/" + relative)
                }
            }
        } else {
            files.append(path)
        }
    }
    return files.sorted()
}

/// Runs `body` over the corpus until `seconds` have passed; returns passes and elapsed seconds.
func measure(seconds: Double, passes fixedPasses: Int?, _ body: () -> Void) -> (passes: Int, elapsed: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    var passes = 0
    var elapsed = 0.0
    repeat {
        body()
        passes += 1
        let duration = clock.now - start
        elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    } while fixedPasses.map { passes < $0 } ?? (elapsed < seconds)
    return (passes, elapsed)
}

let options = Options(arguments: CommandLine.arguments)
let files = feedFiles(under: options.paths)
var documents: [[UInt8]] = []
var entriesPerPass = 0
for file in files {
    guard let data = FileManager.default.contents(atPath: file) else { continue }
    let bytes = Array(data)
    guard let feed = try? FeedParser().parse(bytes) else { continue }
    documents.append(bytes)
    entriesPerPass += feed.entries.count
}
let bytesPerPass = documents.reduce(0) { $0 + $1.count }
guard bytesPerPass > 0 else {
    print("parse-benchmark: no feed files under \(options.paths.joined(separator: " "))")
    exit(1)
}
print("corpus: \(documents.count) feeds, \(bytesPerPass) bytes, \(entriesPerPass) entries per pass")

var sink = 0
let bare = measure(seconds: options.seconds, passes: options.passes) {
    for document in documents { sink &+= BareSAX.parse(document) }
}
let keepingText = measure(seconds: options.seconds, passes: options.passes) {
    for document in documents { sink &+= BareSAX.parseKeepingText(document) }
}
let full = measure(seconds: options.seconds, passes: options.passes) {
    for document in documents { sink &+= (try? FeedParser().parse(document))?.entries.count ?? 0 }
}

func megabytesPerSecond(_ run: (passes: Int, elapsed: Double)) -> Double {
    Double(bytesPerPass * run.passes) / run.elapsed / 1_000_000
}

let bareSpeed = megabytesPerSecond(bare)
let keepingTextSpeed = megabytesPerSecond(keepingText)
let fullSpeed = megabytesPerSecond(full)
let entriesPerSecond = Double(entriesPerPass * full.passes) / full.elapsed
print(String(format: "libxml2 bare SAX2 (do-nothing callbacks): %8.1f MB/s  (%d passes)", bareSpeed, bare.passes))
print(
    String(
        format: "libxml2 SAX2 keeping each element's text: %8.1f MB/s  (%d passes; ratio %.2f, the floor of making values)", keepingTextSpeed,
        keepingText.passes, keepingTextSpeed / bareSpeed))
print(String(format: "ainews FeedParser:                        %8.1f MB/s  %10.0f entries/s  (%d passes)", fullSpeed, entriesPerSecond, full.passes))
print(String(format: "ratio to the ceiling: %.2f", fullSpeed / bareSpeed))
if sink == 42 { print("") }
