public import Foundation

/// A calendar day with no time zone, as lists and the Federal Register write dates.
///
/// Lists carry odd dates (the CSL has a `start_date` of `0017-05-26`); they are kept as written rather than
/// rejected, because the record is what the agency published.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, `MM/DD/YYYY` or `M/D/YY` (two-digit years pivot at 50: `03` is 2003, `97` is 1997).
    public init?(parsing text: String) {
        let trimmed = text.trimmed
        if trimmed.count >= 10, trimmed.dropFirst(4).first == "-" {
            let parts = trimmed.prefix(10).split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            self.init(year: parts[0], month: parts[1], day: parts[2])
        } else if trimmed.contains("/") {
            let parts = trimmed.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            var year = parts[2]
            if year < 100 { year += year < 50 ? 2000 : 1900 }
            self.init(year: year, month: parts[0], day: parts[1])
        } else {
            return nil
        }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
    }

    /// Parses a day as a person gives one: exactly `YYYY-MM-DD`, and a day the calendar has (no 2019-02-30).
    public init?(strict text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) }) else { return nil }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) } }
        let year = number(0..<4), month = number(5..<7), day = number(8..<10)
        guard year >= 1, (1...12).contains(month), (1...Self.days(inMonth: month, year: year)).contains(day) else {
            return nil
        }
        self.init(year: year, month: month, day: day)
    }

    /// Days in a month of the Gregorian calendar.
    public static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The day that contains `date` in UTC.
    public init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// The first instant of the day in UTC.
    public var startUTC: Date {
        Date(timeIntervalSince1970: Double(days(since: LocalDate(year: 1970, month: 1, day: 1))) * 86_400)
    }

    /// Whole days from `earlier` to this day (negative when `earlier` is later), by the proleptic Gregorian calendar.
    public func days(since earlier: LocalDate) -> Int { dayNumber - earlier.dayNumber }

    /// Days since 0000-03-01: a count in which consecutive days differ by one.
    private var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let m = month <= 2 ? month + 9 : month - 3
        return 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "bad date \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
