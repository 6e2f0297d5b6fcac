import Foundation
import VetterCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A small element tree read with Foundation's XMLParser (libxml2): names without namespace prefixes, attributes,
/// the text of leaf elements, and the line each element starts on, for errors.
final class XMLTreeNode {
    let name: String
    let attributes: [String: String]
    let line: Int
    var text = ""
    var children: [XMLTreeNode] = []

    init(name: String, attributes: [String: String], line: Int) {
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    /// The first child named `name`.
    func child(_ name: String) -> XMLTreeNode? { children.first { $0.name == name } }

    /// Every child named `name`.
    func all(_ name: String) -> [XMLTreeNode] { children.filter { $0.name == name } }

    /// The trimmed text of the child at `path` (`"vesselInfo/callSign"`), or nil when absent or empty.
    func value(_ path: String) -> String? {
        var node: XMLTreeNode? = self
        for part in path.split(separator: "/") { node = node?.child(String(part)) }
        let text = node?.text.trimmed ?? ""
        return text.isEmpty ? nil : text
    }

    /// Children of the child `list` named `item` (`akaList/aka`).
    func items(_ list: String, _ item: String) -> [XMLTreeNode] { child(list)?.all(item) ?? [] }

    static func parse(_ bytes: [UInt8], file: String) throws(ListReadError) -> XMLTreeNode {
        // FoundationXML traps on a name that is not UTF-8 (found by fuzzing): the bytes are checked first.
        try checkUTF8(bytes, file: file)
        let builder = Builder()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = builder
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let parsed = parser.parse()
        guard parsed, let root = builder.root else {
            let error = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "not well-formed XML"
            throw ListReadError(
                .unreadable, file: file, line: max(1, parser.lineNumber), field: builder.stack.last?.name,
                "the XML cannot be read: \(error)")
        }
        // libxml2's push parser can report success on a document cut short: every element must have closed.
        if let open = builder.stack.last {
            throw ListReadError(
                .unreadable, file: file, line: max(1, parser.lineNumber), field: open.name,
                "the XML ends inside <\(open.name)> opened on line \(open.line): the file is cut short")
        }
        return root
    }

    /// Throws at the line of the first byte sequence that is not UTF-8.
    static func checkUTF8(_ bytes: [UInt8], file: String) throws(ListReadError) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
            case .emptyInput:
                return
            case .error:
                throw ListReadError(
                    .invalidUTF8, file: file, line: line, "the XML is not UTF-8 (OFAC publishes UTF-8)")
            }
        }
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLTreeNode?
        var stack: [XMLTreeNode] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let element = XMLTreeNode(name: elementName, attributes: attributes, line: parser.lineNumber)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
        }
    }
}
