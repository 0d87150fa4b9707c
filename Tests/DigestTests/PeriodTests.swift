import AINewsCore
import AINewsDigest
import Testing

@Suite struct PeriodTests {
    @Test func isoWeeksAcrossYearBoundaries() throws {
        #expect(Period.week(containing: Timestamp(year: 2024, month: 12, day: 30)!).name == "2025-W01")
        #expect(Period.week(containing: Timestamp(year: 2021, month: 1, day: 3)!).name == "2020-W53")
        let week = Period.week(containing: Timestamp(year: 2026, month: 11, day: 29, hour: 23)!)
        #expect(week.name == "2026-W48")
        #expect(week.start == Timestamp(year: 2026, month: 11, day: 23))
        #expect(week.end == Timestamp(year: 2026, month: 11, day: 30))
    }

    @Test func parsesWeeksAndRejectsNonsense() throws {
        #expect(Period(week: "2024-W20")?.start == Timestamp(year: 2024, month: 5, day: 13))
        #expect(Period(week: "2020w53")?.name == "2020-W53")
        #expect(Period(week: "2021-W53") == nil)
        #expect(Period(week: "2024-W00") == nil)
        #expect(Period(week: "W20") == nil)
    }

    @Test func previousPeriods() throws {
        #expect(Period(week: "2025-W01")?.previous.name == "2024-W52")
        let days = try #require(Period.days(from: Period.parseDay("2024-05-01")!, to: Period.parseDay("2024-05-14")!))
        #expect(days.name == "2024-05-01..2024-05-14")
        #expect(days.previous.name == "2024-04-17..2024-04-30")
    }
}
