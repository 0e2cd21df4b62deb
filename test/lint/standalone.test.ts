// The repository stands alone for someone who clones it: no tracked file points outside it to a sibling folder of
// notes, and none cites a tracker number instead of saying what it means (the contract, its history and the gateway
// facts live under docs/).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Built from parts so this file does not match itself.
const OUTSIDE_NOTES = new RegExp(["\\.\\./", "shared\\b|/work/", "shared\\b"].join(""));
const TRACKER_NUMBER = new RegExp(
  [
    "\\bissues?\\s*#?\\d+",
    "\\bPR\\s*#?\\d+",
    "\\(#\\d+\\)",
    "\\b[\\w.-]+/[\\w.-]+#\\d+", // owner/repo and a number
    "(?:^|[\\s(,;])#\\d{3,}\\b(?![0-9a-f;)])", // a bare number in prose, not a CSS colour
  ].join("|"),
  "i",
);

function trackedTextFiles(): string[] {
  const listed = execFileSync("git", ["ls-files", "-z"], { encoding: "utf8" }).split("\0").filter(Boolean);
  return listed.filter((file) => !/\.(png|ico|icns|jpg|jpeg|gif|woff2?|ttf|gz|tgz|zip)$/i.test(file));
}

function offences(pattern: RegExp): string[] {
  const found: string[] = [];
  for (const file of trackedTextFiles()) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // deleted in the work tree but still in the index
    }
    if (text.includes("\0")) continue;
    text.split("\n").forEach((line, index) => {
      if (pattern.test(line)) found.push(`${file}:${index + 1}: ${line.trim().slice(0, 120)}`);
    });
  }
  return found;
}

describe("the repository stands alone", () => {
  it("the patterns catch what they are for and spare what they are not", () => {
    for (const bad of ["see ../" + "shared/notes.md", "(/work/" + "shared/x)"]) expect(bad).toMatch(OUTSIDE_NOTES);
    for (const bad of ["(issue" + " 9)", "Issue #" + "5, Clawpodz", "see openclaw/openclaw#" + "150152", "(#" + "19)"])
      expect(bad).toMatch(TRACKER_NUMBER);
    for (const fine of [
      "issueBootstrapToken(access)",
      "color: #000;",
      "mix(red 85%, #000)",
      "fields[11] # 3",
      "--x: #17202b",
    ])
      expect(fine).not.toMatch(TRACKER_NUMBER);
  });

  it("no tracked file points to a folder outside the repository", () => {
    expect(offences(OUTSIDE_NOTES)).toEqual([]);
  });

  it("no tracked file cites an issue or pull-request number", () => {
    expect(offences(TRACKER_NUMBER)).toEqual([]);
  });
});
