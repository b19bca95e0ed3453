/** `npm run fake:elevenlabs`: try the app without an ElevenLabs account. */
import { FakeElevenLabs, fakeMp3, type FakeConversation } from "./server";
import { demoConversation, seededRandom } from "../../server/scripts/demo-conversations";

const port = Number(process.env.FAKE_ELEVENLABS_PORT ?? 8787);
const key = process.env.FAKE_ELEVENLABS_KEY ?? "sk_fake_demo_key_0001";
const fake = new FakeElevenLabs().addWorkspace(key);
const agents = [fake.addAgent(key, "agent_support_desk", "Support Desk"), fake.addAgent(key, "agent_bookings", "Bookings")];
const now = Math.floor(Date.now() / 1000);
const random = seededRandom(8787);
for (let i = 0; i < 120; i++) {
  const agent = agents[i % agents.length];
  // Every field of the full call record: tool calls and errors, slow turns, phone calls both ways, languages, versions.
  const conversation = demoConversation(random, { agentId: agent.agent_id, conversationId: `conv_demo_${i}`, startUnix: now - i * 2700 }) as FakeConversation;
  fake.addConversation(key, conversation, conversation.has_audio ? fakeMp3() : undefined);
}
const url = await fake.start(port);
console.log(`Fake ElevenLabs listening on ${url}
  API key:   ${key}
  agent ids: ${agents.map((a) => a.agent_id).join(", ")}
Start the app with ELEVENLABS_API_URL=${url} npm start`);
