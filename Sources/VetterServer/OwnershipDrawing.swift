import Foundation
import VetterRules

/// The ownership chain behind a ground as a small SVG drawing, drawn on the server: the listed owner at the top
/// (with its listing), each owner below it, the party at the bottom, every arrow labelled with the share the owner
/// holds. Owners of unknown share (Red Flag 29) point at the party with "? %". Texts are escaped; the drawing uses
/// attributes only (no style element), so the page's content security policy holds.
enum OwnershipDrawing {
    static let width = 640
    static let boxWidth = 560
    static let boxHeight = 40
    static let step = 76

    struct Box {
        var title: String
        var subtitle: String?
        var listed: Bool
    }

    /// The drawing for `ground` of the party named `party`.
    static func svg(_ ground: OwnershipGround, party: String) -> String {
        var boxes: [Box] = []
        var shares: [String] = []
        if let listing = ground.chain.first {
            for (index, link) in ground.chain.dropFirst().enumerated() {
                let (name, share) = split(link)
                boxes.append(Box(title: name, subtitle: index == 0 ? listing : nil, listed: index == 0))
                shares.append(share)
            }
        } else {
            // Red Flag 29 alone: the owners of unknown share in one box.
            guard !ground.unknownShareOwners.isEmpty else { return "" }
            let listings = ground.listedOwners.map { "\($0.source) \($0.entryID) \($0.name)" }
            boxes.append(
                Box(
                    title: ground.unknownShareOwners.joined(separator: ", "),
                    subtitle: listings.isEmpty ? nil : listings.joined(separator: "; "), listed: !listings.isEmpty))
            shares.append("? % (share not known: Red Flag 29)")
        }
        guard !boxes.isEmpty else { return "" }
        boxes.append(Box(title: party, subtitle: nil, listed: false))
        let height = 20 + (boxes.count - 1) * step + boxHeight
        let rule = ground.rule == .ofac50Percent ? "OFAC's 50 percent rule" : "BIS Affiliates rule"
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="ownership" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" role="img" aria-label="\(escape("Ownership chain under \(rule)"))">\
            <title>\(escape("Ownership chain under \(rule)"))</title>\
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" \
            orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>
            """
        let x = (width - boxWidth) / 2
        let chained = !ground.chain.isEmpty
        for (row, box) in boxes.enumerated() {
            let y = 10 + row * step
            let last = row == boxes.count - 1
            let fill = box.listed ? "#fde2e1" : last ? "#fff4d6" : "#f3f4f6"
            let stroke = box.listed ? "#b42318" : last ? "#b54708" : "#6b7280"
            svg += """
                <g class="\(box.listed ? "listed" : last ? "party" : "owner")">\
                <rect x="\(x)" y="\(y)" width="\(boxWidth)" height="\(boxHeight)" rx="6" fill="\(fill)" \
                stroke="\(stroke)"/>\
                <text x="\(width / 2)" y="\(y + (box.subtitle == nil ? 25 : 17))" text-anchor="middle" \
                font-size="13" font-weight="600" fill="#111827">\(escape(clip(box.title, 70)))</text>
                """
            if let subtitle = box.subtitle {
                svg += """
                    <text x="\(width / 2)" y="\(y + 33)" text-anchor="middle" font-size="11" \
                    fill="#b42318">\(escape(clip("listed: " + subtitle, 90)))</text>
                    """
            }
            svg += "</g>"
            guard !last else { continue }
            let from = y + boxHeight
            let to = y + step
            svg += """
                <line x1="\(width / 2)" y1="\(from)" x2="\(width / 2)" y2="\(to - 2)" stroke="#444" \
                stroke-width="1.5"\(chained ? "" : " stroke-dasharray=\"4 3\"") marker-end="url(#arrow)"/>\
                <text x="\(width / 2 + 8)" y="\(from + (to - from) / 2 + 4)" font-size="12" \
                fill="#111827">\(escape("holds " + shares[row]))</text>
                """
        }
        return svg + "</svg>"
    }

    /// "Name (60 %)" → ("Name", "60 %").
    static func split(_ link: String) -> (name: String, share: String) {
        guard link.hasSuffix(")"), let open = link.range(of: " (", options: .backwards) else { return (link, "") }
        return (String(link[..<open.lowerBound]), String(link[open.upperBound...].dropLast()))
    }

    static func clip(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default:
                if character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
                    escaped.append(character)
                }
            }
        }
        return escaped
    }
}
