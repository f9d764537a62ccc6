import { after, test } from "node:test";
import assert from "node:assert/strict";
import { compare, countsOf, describeCounts, showChecks } from "../../src/notebook/checks";
import { toFrame } from "../../src/notebook/frame";
import { setPublisher, type MimeBundle } from "../../src/notebook/publish";

const shown: MimeBundle[] = [];
const previous = setPublisher((bundle) => shown.push(bundle));
after(() => setPublisher(previous));

test("equal counts agree; a missing key counts as zero", () => {
  const check = compare("Purchases per item", { sabre: 3, katana: 0 }, { sabre: 3 });
  assert.deepEqual(check, { question: "Purchases per item", expected: "sabre=3", actual: "sabre=3", ok: true });
});

test("a difference fails the check and names the keys that differ", () => {
  const check = compare("Members per guild", { grubs: 4, ucbears: 2 }, { grubs: 5, ucbears: 2, extra: 1 });
  assert.equal(check.ok, false);
  assert.match(check.actual, /differs at extra: expected 0, got 1; grubs: expected 4, got 5$/);
});

test("long maps are summarised by count and total", () => {
  const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${String(i).padStart(2, "0")}`, i + 1]));
  assert.equal(describeCounts(many), "12 entries, total 78, p00=1, p01=2, p02=3, ...");
});

test("a frame's column keyed by another becomes a map (repeated keys add up)", () => {
  const df = toFrame({ columns: [{ name: "k", type: "varchar" }, { name: "n", type: "bigint" }], rows: [{ k: "a", n: 1 }, { k: "b", n: 2 }, { k: "a", n: 4 }] });
  assert.deepEqual(countsOf(df, "k", "n"), { a: 5, b: 2 });
});

test("the checks are shown as a table, and any failed one throws naming its question", () => {
  const good = compare("Rows in each table", { events: 3 }, { events: 3 });
  assert.doesNotThrow(() => showChecks([good]));
  assert.match(String(shown[shown.length - 1]["text/markdown"]), /\| Rows in each table \| events=3 \| events=3 \| yes \|/);
  const bad = compare("Revenue per item", { sabre: 6 }, { sabre: 7 });
  assert.throws(() => showChecks([good, bad]), /answers differ from the ground truth: Revenue per item \(sabre=7 — differs at sabre: expected 6, got 7\)/);
  assert.match(String(shown[shown.length - 1]["text/markdown"]), /\| Revenue per item \| sabre=6 \| .* \| \*\*NO\*\* \|/);
});
