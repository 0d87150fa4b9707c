import CCurl

/// A single HTTP(S) POST of a JSON body, for the optional summary endpoint (an OpenAI-compatible
/// chat API): the same limits as a feed fetch (timeouts, a decoded-size cap on the answer,
/// http and https only), no redirects followed.
public enum HTTPPost {
    public static func json(
        _ body: [UInt8], to request: FetchRequest, headers: [String] = []
    ) throws(FetchError) -> (response: FetchResponse, body: [UInt8]) {
        let easy = try CurlEasy()
        var request = request
        request.followsRedirects = false
        easy.configure(for: request)
        easy.set(CURLOPT_HTTPHEADER, list: ["Content-Type: application/json", "Accept: application/json"] + headers)
        easy.set(CURLOPT_POSTFIELDSIZE, body.count)
        body.withUnsafeBytes { easy.set(CURLOPT_COPYPOSTFIELDS, pointer: $0.baseAddress) }
        var answer: [UInt8] = []
        let sink = BodySink(easy: easy, limit: request.maxBodyBytes) { chunk, _ in answer += chunk }
        sink.attach()
        do throws(FetchError) {
            try easy.perform()
        } catch {
            throw sink.failure(for: error)
        }
        return (try sink.finish(for: request).get(), answer)
    }
}
