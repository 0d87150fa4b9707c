import AINewsCore

/// The digest as a reader sees it: plain text for a terminal, a pager or an email's text part
/// (72 columns, URLs never broken), Markdown, and HTML with inline styles that mail clients keep.
/// Every renderer reads the same `Digest`, so they never disagree.
public enum DigestRenderer {
    public static let width = 72

    // MARK: - Plain text

    public static func text(_ digest: Digest) -> String {
        var lines: [String] = [digest.title, periodLine(digest.period), ""]
        lines += wrap(numbersSentence(digest.numbers), width: width, indent: "")
        if let models = modelsSentence(digest.numbers) { lines += wrap(models, width: width, indent: "") }
        for section in digest.sections {
            lines += ["", "", section.title.uppercased(), String(repeating: "=", count: section.title.count)]
            for (number, story) in section.stories.enumerated() {
                let marker = "\(number + 1). "
                let indent = String(repeating: " ", count: marker.count)
                lines.append("")
                lines += wrap(story.title, width: width, indent: indent, first: marker)
                lines += wrap(story.summary, width: width, indent: indent)
                if !story.models.isEmpty { lines += wrap("Models: " + story.models.joined(separator: ", "), width: width, indent: indent) }
                for source in story.sources {
                    lines += wrap("\(source.feed): \(source.title)", width: width, indent: indent + "  ", first: indent + "- ")
                    if let link = source.link { lines.append(indent + "  " + link) }
                }
            }
        }
        if digest.sections.isEmpty { lines += ["", "No items this week."] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Greedy word wrap; a word longer than the line (a URL) gets a line of its own, unbroken.
    static func wrap(_ text: String, width: Int, indent: String, first: String? = nil) -> [String] {
        var lines: [String] = []
        var line = first ?? indent
        var lineHasWord = false
        for word in text.split(whereSeparator: \.isWhitespace) {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        if lineHasWord || lines.isEmpty { lines.append(line) }
        return lines
    }

    static func periodLine(_ period: Period) -> String {
        "\(Period.day(period.start.secondsSince1970)) to \(Period.day(period.end.secondsSince1970 - 86_400))"
    }

    static func numbersSentence(_ numbers: Digest.Numbers) -> String {
        func share(_ label: String, _ name: String) -> String {
            var text = "\(name) \(numbers.percent(label))%"
            if let change = numbers.change(label) { text += " (\(change > 0 ? "+" : change < 0 ? "−" : "±")\(abs(change)) pts)" }
            return text
        }
        let items = numbers.items == 1 ? "1 item" : "\(numbers.items) items"
        let stories = numbers.stories == 1 ? "1 story" : "\(numbers.stories) stories"
        var sentence = "\(items) in \(stories). "
        sentence += [share("open", "Open"), share("closed", "closed"), share("both", "both"), share("none", "neither")].joined(separator: ", ")
        sentence += numbers.previous == nil ? "." : ", against the week before."
        return sentence
    }

    static func modelsSentence(_ numbers: Digest.Numbers) -> String? {
        guard !numbers.topModels.isEmpty else { return nil }
        return "Most mentioned: " + numbers.topModels.map { "\($0.name) (\($0.items))" }.joined(separator: ", ") + "."
    }

    // MARK: - Markdown

    public static func markdown(_ digest: Digest) -> String {
        var lines = ["# \(escapeMarkdown(digest.title))", "", "_\(periodLine(digest.period))_", "", numbersSentence(digest.numbers)]
        if let models = modelsSentence(digest.numbers) { lines += ["", escapeMarkdown(models)] }
        for section in digest.sections {
            lines += ["", "## \(section.title)"]
            for story in section.stories {
                let title = escapeMarkdown(story.title)
                lines += ["", "### " + (story.link.flatMap(absoluteLink).map { "[\(title)](<\($0)>)" } ?? title), "", escapeMarkdown(story.summary)]
                if !story.models.isEmpty { lines += ["", "Models: " + escapeMarkdown(story.models.joined(separator: ", "))] }
                lines.append("")
                for source in story.sources {
                    let text = escapeMarkdown("\(source.feed): \(source.title)")
                    lines.append("- " + (source.link.flatMap(absoluteLink).map { "[\(text)](<\($0)>)" } ?? text))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func escapeMarkdown(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\`*_[]<>#|".contains(character) { result.append("\\") }
            result.append(character == "\n" || character == "\r" ? " " : character)
        }
        return result
    }

    // MARK: - HTML

    /// A whole HTML document: one centred column of tables with inline styles (what Gmail,
    /// Outlook and Apple Mail keep), system fonts, no scripts, no remote resources, every string
    /// from a feed escaped and every link absolute http(s).
    public static func html(_ digest: Digest) -> String {
        let font = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(digest.title))</title>
            </head>
            <body style="margin:0;padding:0;background:#f3f4f6;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;">
            <tr><td align="center" style="padding:24px 12px;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:640px;background:#ffffff;border-radius:8px;">
            <tr><td style="padding:28px 28px 32px;\(font)color:#1f2937;">
            \(htmlFragment(digest))</td></tr>
            </table>
            </td></tr>
            </table>
            </body>
            </html>

            """
    }

    /// The digest's content as HTML elements, without the document around it (for an Atom entry).
    public static func htmlFragment(_ digest: Digest) -> String {
        var body = """
            <h1 style="margin:0 0 4px;font-size:24px;line-height:1.25;color:#111827;">\(escape(digest.title))</h1>
            <p style="margin:0 0 16px;font-size:14px;color:#6b7280;">\(escape(periodLine(digest.period)))</p>
            <p style="margin:0 0 8px;font-size:15px;line-height:1.5;">\(escape(numbersSentence(digest.numbers)))</p>

            """
        if let models = modelsSentence(digest.numbers) {
            body += "<p style=\"margin:0 0 8px;font-size:15px;line-height:1.5;\">\(escape(models))</p>\n"
        }
        for section in digest.sections {
            body += """
                <h2 style="margin:28px 0 4px;padding-bottom:6px;border-bottom:2px solid \(color(section.label));font-size:19px;color:#111827;">\(escape(section.title))</h2>

                """
            for story in section.stories {
                let title =
                    story.link.flatMap(absoluteLink).map {
                        "<a href=\"\(escape($0))\" style=\"color:#1d4ed8;text-decoration:none;\">\(escape(story.title))</a>"
                    } ?? escape(story.title)
                body += "<h3 style=\"margin:20px 0 6px;font-size:17px;line-height:1.35;\">\(title)</h3>\n"
                body += "<p style=\"margin:0 0 8px;font-size:15px;line-height:1.55;\">\(escape(story.summary))</p>\n"
                if !story.models.isEmpty {
                    body += "<p style=\"margin:0 0 6px;font-size:13px;color:#4b5563;\">Models: \(escape(story.models.joined(separator: ", ")))</p>\n"
                }
                body += "<ul style=\"margin:0 0 4px;padding-left:20px;font-size:13px;line-height:1.5;color:#4b5563;\">\n"
                for source in story.sources {
                    let text = "<strong>\(escape(source.feed))</strong>: \(escape(source.title))"
                    let item = source.link.flatMap(absoluteLink).map { "<a href=\"\(escape($0))\" style=\"color:#4b5563;\">\(text)</a>" } ?? text
                    body += "<li>\(item)</li>\n"
                }
                body += "</ul>\n"
            }
        }
        if digest.sections.isEmpty { body += "<p style=\"font-size:15px;\">No items this week.</p>\n" }
        return body
    }

    static func color(_ label: String) -> String {
        switch label {
        case "open": "#059669"
        case "closed": "#b91c1c"
        case "both": "#7c3aed"
        default: "#6b7280"
        }
    }

    /// Escapes text for HTML element content and quoted attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\r\n", "\r", "\n": result += " "
            default: result.append(character)
            }
        }
        return result
    }

    /// The link when it is an absolute http(s) URL, else nil: a digest never links anywhere else.
    static func absoluteLink(_ link: String) -> String? {
        let lowered = link.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"), !link.contains(where: { $0.isWhitespace }) else { return nil }
        return link
    }
}
