import Foundation

/// Reads a file or standard input in chunks, so a large feed streams into the parser.
enum InputReader {
    static let chunkSize = 64 * 1024

    static func read(path: String, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else {
                throw CommandFailure("\(path): cannot open the file")
            }
            handle = opened
        }
        defer { if path != "-" { try? handle.close() } }
        while true {
            let data = try handle.read(upToCount: chunkSize) ?? Data()
            if data.isEmpty { break }
            try data.withUnsafeBytes { try consume($0) }
        }
    }
}

/// An error that ends the command with a one-line message on standard error and exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
