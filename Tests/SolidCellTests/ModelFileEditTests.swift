import Foundation
import Parameters
import TestSupport
import Testing

/// A calibration writes its values into the bundled model files by changing only the lines it sets.
@Suite("Model file edits")
struct ModelFileEditTests {
    @Test("setting a number and its fitted note changes those two lines only, and the file reads back with them")
    func numberAndNote() throws {
        let path = modelPath("lu2026-li2tis3-lpscb-liin")
        let original = try String(contentsOfFile: path, encoding: .utf8)
        var text = try ModelFileEdit.settingNumber("Stack stiffness [MPa.m-1]", to: 52345.678, in: original, path: path)
        text = try ModelFileEdit.settingFittedNote("Stack stiffness [MPa.m-1]", to: "52345.7: a \"quoted\" note", in: text, path: path)
        // A key without a fitted note gets one.
        text = try ModelFileEdit.settingFittedNote("Contact residual pressure [MPa]", to: "new note", in: text, path: path)
        let before = original.components(separatedBy: "\n"), after = text.components(separatedBy: "\n")
        #expect(after.count == before.count + 1)
        #expect(Set(after).subtracting(before).count == 3)
        let data = try #require(text.data(using: .utf8))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((root["Stack stiffness [MPa.m-1]"] as? NSNumber)?.doubleValue == 52345.7)
        let fitted = try #require((root["metadata"] as? [String: Any])?["fitted"] as? [String: Any])
        #expect(fitted["Stack stiffness [MPa.m-1]"] as? String == "52345.7: a \"quoted\" note")
        #expect(fitted["Contact residual pressure [MPa]"] as? String == "new note")
    }

    @Test("a key that is not a top-level number is refused with the key named")
    func refused() throws {
        let path = modelPath("lu2026-li2tis3-lpscb-liin")
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let error = #expect(throws: ModelFileError.self) {
            try ModelFileEdit.settingNumber("Contact pressure law", to: 1, in: original, path: path)
        }
        #expect(error?.description.contains("Contact pressure law") == true)
        #expect(throws: ModelFileError.self) { try ModelFileEdit.settingNumber("No such key", to: 1, in: original, path: path) }
    }
}
