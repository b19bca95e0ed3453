import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AudioBodyScanner, BodyTooLarge } from "../../server/services/ingestion/audio-body-scanner";
import { AUDIO_CHUNK_BYTES } from "../../server/services/ingestion/inbox";

function scan(body: Buffer, cuts: number[], maxRest = 1 << 20) {
  const scanner = new AudioBodyScanner(maxRest);
  const pieces: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < body.length).sort((a, b) => a - b), body.length]) {
    scanner.write(body.subarray(at, cut));
    pieces.push(...scanner.ready.splice(0));
    at = cut;
  }
  return { scanner, pieces };
}

describe("AudioBodyScanner", () => {
  it("decodes data.full_audio in fixed-size pieces and keeps the rest, however the body is cut", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3 * AUDIO_CHUNK_BYTES + 17 }),
        fc.array(fc.integer({ min: 1, max: 4 * AUDIO_CHUNK_BYTES }), { maxLength: 12 }),
        fc.constantFrom("plain", "escaped-slashes", "line-breaks"),
        fc.boolean(),
        (bytes, cuts, style, audioFirst) => {
          const audio = Buffer.from(bytes);
          let b64 = JSON.stringify(audio.toString("base64"));
          if (style === "escaped-slashes") b64 = b64.replaceAll("/", "\\/");
          if (style === "line-breaks") b64 = b64.replace(/(.{76})/g, "$1\\r\\n");
          const fields = audioFirst
            ? `"full_audio": ${b64}, "agent_id": "agent_\\"x", "conversation_id": "conv_1"`
            : `"agent_id": "agent_\\"x", "conversation_id": "conv_1", "note": "full_audio \\"data\\"", "full_audio":${b64}`;
          const body = Buffer.from(`{"type":"post_call_audio","event_timestamp":1763900000,"data":{${fields}},"extra":[{"data":{"full_audio":"x"}}]}`);
          const { scanner, pieces } = scan(body, cuts);
          expect(scanner.audioInvalid).toBe(false);
          expect(pieces.slice(0, -1).every((p) => p.length === AUDIO_CHUNK_BYTES)).toBe(true);
          expect(Buffer.compare(Buffer.concat(pieces), audio)).toBe(0);
          expect(scanner.audioBytes).toBe(audio.length);
          expect(scanner.agentId).toBe('agent_"x');
          const rest = JSON.parse(scanner.rest());
          expect(rest.data.full_audio).toBe("");
          expect(rest.data.conversation_id).toBe("conv_1");
          expect(rest.extra[0].data.full_audio).toBe("x");
        },
      ),
      { numRuns: 60 },
    );
  });

  it("flags audio that is not base64, and refuses a rest larger than its cap", () => {
    const bad = scan(Buffer.from('{"type":"post_call_audio","data":{"agent_id":"a","full_audio":"%%%"}}'), []);
    expect(bad.scanner.audioInvalid).toBe(true);
    expect(() => scan(Buffer.from(`{"type":"x","data":{"agent_id":"${"a".repeat(2000)}"}}`), [], 1000)).toThrow(BodyTooLarge);
  });
});
