import { describe, expect, it } from "vitest";

import { CsvError, readHead } from "./import-csv";
import { autoMap, columnOfLoc, doubledFields, headerKey, mappingJson } from "./import-mapping";
import { pollInterval, progressPercent } from "./import-status";

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("reading the start of a CSV file", () => {
  it("reads a Persian header with Excel's BOM and a quoted cell holding the separator", () => {
    const head = readHead(utf8('\uFEFFنام,نام خانوادگی,ایمیل\r\nعلی,"رضایی, پور",ali@example.com\r\n'), true);
    expect(head.header).toEqual(["نام", "نام خانوادگی", "ایمیل"]);
    expect(head.rows).toEqual([["علی", "رضایی, پور", "ali@example.com"]]);
  });

  it("takes ';' and tabs as the API does, and skips blank lines", () => {
    expect(readHead(utf8("a;b;c\n1;2;3\n"), true).delimiter).toBe(";");
    const tabbed = readHead(utf8("a\tb\n\n1\t2\n"), true);
    expect(tabbed.delimiter).toBe("\t");
    expect(tabbed.rows).toEqual([["1", "2"]]);
  });

  it("keeps a line break inside quotes and drops a record the read cut off", () => {
    const head = readHead(utf8('name,notes\nSara,"line one\nline two"\nReza,"unfinish'), false);
    expect(head.rows).toEqual([["Sara", "line one\nline two"]]);
  });

  it("refuses text that is not UTF-8, an empty file and a missing header", () => {
    const latin1 = new Uint8Array([0x6e, 0x61, 0x6d, 0xe9, 0x0a]);
    expect(() => readHead(latin1, true)).toThrow(CsvError);
    expect(() => readHead(utf8("  \n"), true)).toThrow("empty");
    expect(() => readHead(utf8(",,\n1,2,3"), true)).toThrow("no-header");
  });

  it("does not fail on a character cut in half at the end of the bytes read", () => {
    const bytes = utf8("نام\nعلی");
    expect(readHead(bytes.slice(0, bytes.length - 1), false).header).toEqual(["نام"]);
  });
});

describe("guessing the mapping from the header", () => {
  it("matches English and Persian names, whatever the spelling", () => {
    const mapping = autoMap(["First Name", "Surname", "E-mail", "Mobile", "Tags", "شركت", "تاريخ تولد"]);
    expect(Object.fromEntries(Object.entries(mapping).map(([c, m]) => [c, m.field]))).toEqual({
      "First Name": "first_name",
      Surname: "last_name",
      "E-mail": "email",
      Mobile: "phone",
      Tags: "tags",
      "شركت": "organization_name",
      "تاريخ تولد": "birthday",
    });
  });

  it("reads Persian headers with ZWNJ and the API's own export columns", () => {
    const mapping = autoMap(["نام", "نام‌خانوادگی", "ایمیل", "شماره تماس", "برچسب‌ها", "consent.sms", "owner_email", "id"]);
    expect(Object.values(mapping).map((m) => m.field)).toEqual([
      "first_name",
      "last_name",
      "email",
      "phone",
      "tags",
      "consent.sms",
      "owner_email",
      null,
    ]);
  });

  it("gives a field to the first matching column only, and knows custom fields by key or label", () => {
    const mapping = autoMap(["Email", "E-mail address", "Shoe size", "اندازه"], [
      { key: "shoe_size", label: "Shoe size", label_fa: "سایز کفش" },
      { key: "size", label: "Size", label_fa: "اندازه" },
    ]);
    expect(mapping["Email"]?.field).toBe("email");
    expect(mapping["E-mail address"]?.field).toBeNull();
    expect(mapping["Shoe size"]?.field).toBe("cf.shoe_size");
    expect(mapping["اندازه"]?.field).toBe("cf.size");
  });

  it("compares names without case, punctuation, Arabic letters or ZWNJ", () => {
    expect(headerKey(" E_Mail ")).toBe("e mail");
    expect(headerKey("علي")).toBe(headerKey("علی"));
  });
});

describe("the mapping sent to the API", () => {
  it("leaves out skipped columns and sends a separator only for list fields", () => {
    expect(
      JSON.parse(
        mappingJson({
          Name: { field: "display_name", separator: "," },
          Tags: { field: "tags", separator: "," },
          Phones: { field: "phone", separator: "" },
          Notes: { field: null, separator: "" },
        }),
      ),
    ).toEqual({ Name: "display_name", Tags: { field: "tags", separator: "," }, Phones: "phone" });
  });

  it("flags a single-value field chosen twice", () => {
    expect([...doubledFields({ A: { field: "first_name", separator: "" }, B: { field: "first_name", separator: "" } })]).toEqual([
      "first_name",
    ]);
    expect(doubledFields({ A: { field: "email", separator: "" }, B: { field: "email", separator: "" } }).size).toBe(0);
  });
});

describe("row errors", () => {
  const mapping = { "ایمیل": { field: "email" }, Size: { field: "cf.size" }, SMS: { field: "consent.sms" } };

  it("point at the column of the file the value came from", () => {
    expect(columnOfLoc(["emails", 0, "email"], mapping)).toBe("ایمیل");
    expect(columnOfLoc(["custom_fields", "size"], mapping)).toBe("Size");
    expect(columnOfLoc(["consent", "sms", "granted"], mapping)).toBe("SMS");
  });

  it("name the field when no column holds it, and nothing for the whole row", () => {
    expect(columnOfLoc(["display_name"], mapping)).toBe("display_name");
    expect(columnOfLoc([], mapping)).toBeNull();
  });
});

describe("progress", () => {
  const job = { status: "running" as const, total_rows: 1000, processed_rows: 420 };

  it("is the share of rows processed, whole percent", () => {
    expect(progressPercent(job)).toBe(42);
    expect(progressPercent({ ...job, processed_rows: 999 })).toBe(99);
    expect(progressPercent({ ...job, status: "completed", processed_rows: 999 })).toBe(100);
  });

  it("is 0 until the worker has counted the rows, and never beyond 100", () => {
    expect(progressPercent({ status: "pending", total_rows: null, processed_rows: 0 })).toBe(0);
    expect(progressPercent({ ...job, total_rows: 0 })).toBe(0);
    expect(progressPercent({ ...job, processed_rows: 1200 })).toBe(100);
  });

  it("is polled while the import is pending or running, and no more once it is over", () => {
    expect(pollInterval(undefined)).toBe(1000);
    expect(pollInterval({ status: "running" })).toBe(1000);
    expect(pollInterval({ status: "pending" })).toBe(1000);
    expect(pollInterval({ status: "completed" })).toBe(false);
    expect(pollInterval({ status: "failed" })).toBe(false);
    expect(pollInterval({ status: "cancelled" })).toBe(false);
  });
});
