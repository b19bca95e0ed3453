/**
 * Realistic ElevenLabs conversation details (ELEVENLABS.md shapes, every field of "More facts"): tool calls with
 * results, errors and latencies, slow turns, interruptions, phone calls both ways, several languages, versions,
 * feedback, call/LLM credits. Used by `npm run seed:demo`, the fake ElevenLabs server and the tests.
 */

export type Random = () => number;

/** Deterministic pseudo-random numbers in [0, 1), so a seed reproduces. */
export function seededRandom(seed: number): Random {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
}

const TOPICS = [
  { title: "Order status", tool: "lookup_order", params: { order_id: "A-1042" }, result: { status: "shipped", eta: "Friday" }, user: "Where is my order A-1042?", agent: "It shipped yesterday and arrives Friday." },
  { title: "Change of address", tool: "update_address", params: { order_id: "A-2210", street: "12 Harbour Street" }, result: { ok: true }, user: "I moved, can you update my delivery address?", agent: "Done, the new address is saved." },
  { title: "Refund request", tool: "issue_refund", params: { order_id: "A-3307", amount: 24.5 }, result: { refund_id: "R-88" }, user: "The vase arrived broken, I'd like a refund.", agent: "I'm sorry. I have issued a full refund." },
  { title: "Booking", tool: "book_table", params: { party: 4, day: "Saturday", time: "19:00" }, result: { confirmation: "B-551" }, user: "Can I book a table for four on Saturday?", agent: "Booked for 7 pm on Saturday, see you then." },
  { title: "Opening hours", tool: null, params: null, result: null, user: "Are you open on Monday?", agent: "Yes, from 10 am to 4 pm." },
] as const;

const LANGUAGES = ["en", "en", "en", "en", "es", "de", "fr", "hi"];
const VERSIONS = ["agtvrsn_v1", "agtvrsn_v2", "agtvrsn_v3"];
const REASONS = ["end_call tool was called", "Client disconnected", "Call ended by remote party", "max duration exceeded"];
const CRITERIA = ["resolved", "polite", "verified_identity"];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** Log-normal-ish latency in seconds around `median`, with a slow tail. */
function latency(random: Random, median: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const slow = random() < 0.04 ? 3 : 1;
  return Math.round(median * Math.exp(0.45 * z) * slow * 1000) / 1000;
}

function phoneNumber(random: Random, country: string): string {
  let digits = "";
  for (let i = 0; i < 10; i++) digits += Math.floor(random() * 10);
  return `+${country}${digits}`;
}

export type DemoConversationOptions = {
  agentId: string;
  conversationId: string;
  startUnix: number;
  /** Index into the version list: later versions answer faster (so the comparison shows something). */
  version?: number;
};

/** One conversation detail, as GET /v1/convai/conversations/:id (and a post_call_transcription's data) carry it. */
export function demoConversation(random: Random, options: DemoConversationOptions): Record<string, unknown> {
  const topic = pick(random, TOPICS);
  const versionIndex = options.version ?? Math.floor(random() * VERSIONS.length);
  const versionId = VERSIONS[versionIndex];
  const speed = 1 - versionIndex * 0.15;
  const duration = 20 + Math.floor(random() * random() * 900);
  const toolFails = topic.tool !== null && random() < 0.12;
  const pairs = 2 + Math.floor(random() * 4);
  const transcript: Array<Record<string, unknown>> = [];
  let at = 0;
  const step = Math.max(2, Math.floor(duration / (pairs * 2 + 2)));
  const agentMetadata = { agent_id: options.agentId, version_id: versionId, branch_id: "agtbrch_main", workflow_node_id: null };
  const metrics = () => ({
    metrics: {
      convai_llm_service_ttfb: { elapsed_time: latency(random, 0.45 * speed) },
      convai_llm_service_ttf_sentence: { elapsed_time: latency(random, 0.8 * speed) },
      convai_tts_service_ttfb: { elapsed_time: latency(random, 0.22) },
    },
  });
  const agentTurn = (message: string | null, extra: Record<string, unknown> = {}) => {
    transcript.push({
      role: "agent",
      message,
      time_in_call_secs: at,
      tool_calls: [],
      tool_results: [],
      feedback: null,
      interrupted: random() < 0.08,
      llm_usage: { model_usage: { "gpt-4o-mini": { input: { tokens: 300 + Math.floor(random() * 900), price: 0.0001 }, output_total: { tokens: 20 + Math.floor(random() * 80), price: 0.00005 } } } },
      conversation_turn_metrics: metrics(),
      agent_metadata: agentMetadata,
      ...extra,
    });
    at += step;
  };
  const userTurn = (message: string) => {
    transcript.push({
      role: "user",
      message,
      time_in_call_secs: at,
      tool_calls: [],
      tool_results: [],
      feedback: null,
      conversation_turn_metrics: { metrics: { convai_asr_trailing_service_latency: { elapsed_time: latency(random, 0.12) } } },
    });
    at += step;
  };
  agentTurn("Hello, thanks for calling. How can I help?");
  userTurn(topic.user);
  if (topic.tool) {
    const requestId = `req_${Math.floor(random() * 1e9).toString(36)}`;
    agentTurn(null, {
      tool_calls: [{ request_id: requestId, tool_name: topic.tool, params_as_json: JSON.stringify(topic.params), tool_has_been_called: true, type: "webhook" }],
    });
    agentTurn(toolFails ? "I'm sorry, I couldn't reach our system. Let me take a note instead." : topic.agent, {
      tool_results: [
        {
          request_id: requestId,
          tool_name: topic.tool,
          result_value: toolFails ? JSON.stringify({ error: "upstream timeout" }) : JSON.stringify(topic.result),
          is_error: toolFails,
          tool_latency_secs: latency(random, toolFails ? 2.5 : 0.6),
          type: "webhook",
        },
      ],
    });
  } else agentTurn(topic.agent);
  for (let i = 1; i < pairs; i++) {
    userTurn(pick(random, ["Thanks.", "And one more thing.", "Could you repeat that?", "Okay."]));
    agentTurn(pick(random, ["You're welcome.", "Of course.", "Sure, anything else?", "Happy to help."]));
  }
  const failed = toolFails || random() < 0.1;
  const outcome = failed ? (random() < 0.8 ? "failure" : "unknown") : "success";
  const criteria: Record<string, unknown> = {};
  for (const id of CRITERIA) {
    const r = random();
    const result = id === "resolved" ? (outcome === "unknown" ? "unknown" : outcome) : r < 0.85 ? "success" : r < 0.95 ? "failure" : "unknown";
    criteria[id] = { criteria_id: id, result, rationale: `Judged from the transcript (${id}).` };
  }
  const isPhone = random() < 0.7;
  const direction = random() < 0.65 ? "inbound" : "outbound";
  const country = pick(random, ["1", "44", "49", "91"]);
  const callCharge = Math.round(duration * 8);
  const llmCharge = Math.round(20 + random() * 60);
  const rated = random() < 0.3;
  return {
    agent_id: options.agentId,
    conversation_id: options.conversationId,
    status: "done",
    user_id: isPhone ? null : `user_${Math.floor(random() * 1000)}`,
    version_id: versionId,
    branch_id: "agtbrch_main",
    transcript,
    metadata: {
      start_time_unix_secs: options.startUnix,
      call_duration_secs: duration,
      cost: callCharge + llmCharge,
      termination_reason: toolFails && random() < 0.5 ? "Client disconnected" : pick(random, REASONS),
      error: null,
      charging: { call_charge: callCharge, llm_charge: llmCharge, llm_price: Math.round(llmCharge * 0.0004 * 10000) / 10000, llm_usage: null },
      phone_call: isPhone
        ? {
            type: "twilio",
            direction,
            agent_number: "+14155550100",
            external_number: phoneNumber(random, country),
            call_sid: `CA${Math.floor(random() * 1e12).toString(16)}`,
          }
        : null,
      feedback: rated
        ? { overall_score: null, likes: 0, dislikes: 0, rating: 1 + Math.floor(random() * 5), comment: pick(random, ["Quick and helpful.", "Had to repeat myself.", null]) }
        : { overall_score: null, likes: 0, dislikes: 0, rating: null, comment: null },
      main_language: pick(random, LANGUAGES),
      batch_call: null,
      conversation_initiation_source: isPhone ? "twilio" : "react_sdk",
    },
    analysis: {
      call_successful: outcome,
      transcript_summary: `The caller asked about: ${topic.title.toLowerCase()}. ${toolFails ? "The tool failed." : "It was handled."}`,
      call_summary_title: topic.title,
      evaluation_criteria_results: criteria,
      data_collection_results: topic.params ? { order_ref: { data_collection_id: "order_ref", value: Object.values(topic.params)[0], rationale: "Stated by the caller." } } : {},
    },
    conversation_initiation_client_data: { dynamic_variables: { customer_tier: pick(random, ["gold", "standard"]) } },
    has_audio: random() < 0.8,
    has_user_audio: true,
    has_response_audio: true,
  };
}
