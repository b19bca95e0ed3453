/**
 * The redaction detectors against a labelled corpus: sentences that hold a piece of personal data of a known kind
 * (positives) and sentences with look-alikes that must stay (negatives: order numbers, dates and times, prices,
 * non-Luhn digit runs, invalid IBANs). Precision and recall per kind are printed and recorded in docs/security.md.
 */
import { describe, expect, it } from "vitest";
import { REDACTION_KINDS, type RedactionKind } from "@shared/governance-schemas";
import { luhnValid, redactJson, redactText } from "../../server/services/redaction/redact-text";
import { redactConversation, redactWebhookEvent } from "../../server/services/redaction/redact-conversation";

const ALL = new Set<RedactionKind>(REDACTION_KINDS);

/** [text, the kind it holds] — each positive holds exactly one item. */
const POSITIVES: Array<[string, RedactionKind]> = [
  ["You can reach me at jane.doe@example.com anytime.", "email"],
  ["Email: JOHN_SMITH+calls@mail.co.uk", "email"],
  ["send it to o'brien@x.io please", "email"],
  ["it's bob.k-99@sub.domain.org, thanks", "email"],
  ["my address is maria@uni-bonn.de.", "email"],
  ["Call me at (415) 555-2671 tomorrow", "phone"],
  ["My number is +44 20 7946 0958.", "phone"],
  ["phone 415.555.2671 after six", "phone"],
  ["Mobile: +33 6 12 34 56 78", "phone"],
  ["reach me on 212-555-0199 or email", "phone"],
  ["it's +1 (646) 555-3890", "phone"],
  ["the callback number is 6465553890", "phone"],
  ["Numero: +49 30 901820", "phone"],
  ["call +61 2 9374 4000 in Sydney", "phone"],
  ["text me at 917 555 0143", "phone"],
  ["My card is 4111 1111 1111 1111, expiry next year", "card"],
  ["card number 5500-0000-0000-0004", "card"],
  ["amex 378282246310005 please", "card"],
  ["use 6011111111111117 for the payment", "card"],
  ["the Visa 4012888888881881 was declined", "card"],
  ["JCB 3530 1113 3330 0000", "card"],
  ["Diners 30569309025904.", "card"],
  ["my social is 123-45-6789", "ssn"],
  ["SSN 078 05 1120 on file", "ssn"],
  ["ssn: 219-09-9999.", "ssn"],
  ["IBAN DE89 3704 0044 0532 0130 00 for the refund", "iban"],
  ["account GB29NWBK60161331926819", "iban"],
  ["pay to FR14 2004 1010 0505 0001 3M02 606.", "iban"],
  ["NL91ABNA0417164300 is mine", "iban"],
  ["ES91 2100 0418 4502 0005 1332", "iban"],
  ["card 4111-1111 1111-1111 thanks", "card"],
  // Known misses, kept in the corpus so the reported recall is honest:
  ["call me at five five five, two six seven one", "phone"], // spoken digits
  ["my UK number is 020 7946 0958", "phone"], // national format of a non-US country (US is the default region)
  ["ssn 123456789", "ssn"], // a bare nine-digit run is not taken for an SSN
];

/** Look-alikes: nothing here may be touched. */
const NEGATIVES: string[] = [
  "Your order number is 12345678.",
  "The appointment is on 2024-03-15 at 10:30.",
  "I was born 03/15/1985.",
  "Reference 2024-0315-1030 is confirmed.",
  "That will be $1,234.56 in total.",
  "Tracking 1Z999AA10123456784 shipped",
  "The digits 4111 1111 1111 1112 fail the checksum.",
  "Invoice 1234567890123 is overdue.",
  "call me between 9 and 5",
  "The meeting is 10:00-11:30 on 12/05",
  "ticket 000-12-3456 is not an ssn",
  "id 666-12-3456 either",
  "IBAN DE00 3704 0044 0532 0130 00 has a bad checksum",
  "version 1.2.3.4 released",
  "room 415 on floor 5",
  "the year 2026 was busy",
  "ISBN 978-3-16-148410-0",
  "coordinates 48.8566, 2.3522",
  "temperature 98.6 degrees",
  "pin 1234",
  "Serial AB12 CDEF GHIJ",
  "timestamp 1763900000",
  "zip code 94103-1234",
  "He said hi@ the door",
  "price 19.99 EUR",
  "call duration 00:05:32",
];

function countMarkers(text: string): Record<RedactionKind, number> {
  const counts = Object.fromEntries(REDACTION_KINDS.map((k) => [k, 0])) as Record<RedactionKind, number>;
  for (const k of REDACTION_KINDS) counts[k] = text.split(`[${k}]`).length - 1;
  return counts;
}

describe("redaction corpus (precision and recall per kind)", () => {
  it("finds the positives and leaves the negatives", () => {
    const stats = Object.fromEntries(REDACTION_KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<
      RedactionKind,
      { tp: number; fp: number; fn: number }
    >;
    const misses: string[] = [];
    for (const [text, kind] of POSITIVES) {
      const counts = countMarkers(redactText(text, ALL));
      for (const k of REDACTION_KINDS) {
        if (k === kind) {
          if (counts[k] >= 1) stats[k].tp += 1;
          else {
            stats[k].fn += 1;
            misses.push(`missed ${k}: ${text}`);
          }
          stats[k].fp += Math.max(0, counts[k] - 1);
        } else if (counts[k] > 0) {
          stats[k].fp += counts[k];
          misses.push(`wrong ${k}: ${text}`);
        }
      }
    }
    for (const text of NEGATIVES) {
      const redacted = redactText(text, ALL);
      const counts = countMarkers(redacted);
      for (const k of REDACTION_KINDS) {
        if (counts[k] === 0) continue;
        stats[k].fp += counts[k];
        misses.push(`false ${k}: ${text} -> ${redacted}`);
      }
    }
    const report = REDACTION_KINDS.map((k) => {
      const { tp, fp, fn } = stats[k];
      return `${k}: precision ${(tp / Math.max(1, tp + fp)).toFixed(2)} recall ${(tp / Math.max(1, tp + fn)).toFixed(2)} (tp ${tp}, fp ${fp}, fn ${fn})`;
    });
    console.log(`redaction corpus: ${POSITIVES.length} positives, ${NEGATIVES.length} negatives\n${report.join("\n")}\n${misses.join("\n")}`);
    for (const k of REDACTION_KINDS) {
      const { tp, fp, fn } = stats[k];
      expect(tp / (tp + fp), `precision of ${k}`).toBeGreaterThanOrEqual(0.95);
      expect(tp / (tp + fn), `recall of ${k}`).toBeGreaterThanOrEqual(0.75);
    }
  });

  it("keeps the surrounding text and redacts only the kinds asked for", () => {
    expect(redactText("mail a@b.co or call (415) 555-2671", ALL)).toBe("mail [email] or call [phone]");
    expect(redactText("mail a@b.co or call (415) 555-2671", new Set(["email"]))).toBe("mail [email] or call (415) 555-2671");
    expect(redactText("nothing here", ALL)).toBe("nothing here");
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
  });

  it("redacts numbers and keys inside JSON values", () => {
    expect(redactJson({ card: 4111111111111, "jane@x.io": ["call 212-555-0199"], n: 42 }, ALL)).toEqual({
      card: 4111111111111,
      "[email]": ["call [phone]"],
      n: 42,
    });
  });
});

describe("redactConversation", () => {
  const detail = {
    agent_id: "agent_1",
    conversation_id: "conv_1",
    status: "done",
    transcript: [
      {
        role: "user",
        message: "I'm jane@example.com, card 4111 1111 1111 1111",
        time_in_call_secs: 3,
        tool_calls: [{ tool_name: "lookup", params_as_json: '{"email":"jane@example.com","phone":"+1 415 555 2671"}' }],
        tool_results: [{ tool_name: "lookup", result_value: '{"ssn":"123-45-6789"}', is_error: false }],
      },
      { role: "agent", message: null, time_in_call_secs: 5 },
    ],
    metadata: { start_time_unix_secs: 1763900000, phone_call: { external_number: "+14155552671" } },
    analysis: {
      call_successful: "success",
      transcript_summary: "Caller jane@example.com asked about IBAN DE89 3704 0044 0532 0130 00.",
      call_summary_title: "Refund for +1 415 555 2671",
      data_collection_results: { email: { data_collection_id: "email", value: "jane@example.com", rationale: "said jane@example.com" } },
    },
  };

  it("redacts every text field that can hold personal data, and nothing structural", () => {
    const out = redactConversation(detail, ALL) as typeof detail;
    expect(out.transcript[0].message).toBe("I'm [email], card [card]");
    expect(out.transcript[0].tool_calls?.[0].params_as_json).toBe('{"email":"[email]","phone":"[phone]"}');
    expect(out.transcript[0].tool_results?.[0].result_value).toBe('{"ssn":"[ssn]"}');
    expect(out.transcript[1].message).toBeNull();
    expect(out.analysis.transcript_summary).toBe("Caller [email] asked about IBAN [iban].");
    expect(out.analysis.call_summary_title).toBe("Refund for [phone]");
    expect(out.analysis.data_collection_results.email).toEqual({ data_collection_id: "email", value: "[email]", rationale: "said [email]" });
    // Ids, metadata and the call's own numbers are not content.
    expect(out.conversation_id).toBe("conv_1");
    expect(out.metadata).toEqual(detail.metadata);
    expect(JSON.stringify(out)).not.toContain("jane@example.com");
    // The input is not changed.
    expect(detail.transcript[0].message).toContain("jane@example.com");
  });

  it("leaves payloads alone when no kind is active, and audio events always", () => {
    expect(redactConversation(detail, new Set())).toBe(detail);
    const audio = { type: "post_call_audio", data: { conversation_id: "c", full_audio: "AAAA" } };
    expect(redactWebhookEvent(audio, ALL)).toBe(audio);
  });
});
