/** Playwright webServer: the fake ElevenLabs API with one workspace, one agent and a few past calls. */
import { FakeElevenLabs, fakeMp3, makeConversation } from "../../fake-elevenlabs/server";
import { BACKFILL_CONVERSATIONS, FAKE_AGENT_ID, FAKE_AGENT_NAME, FAKE_ELEVENLABS_PORT, FAKE_KEY } from "./constants";

const fake = new FakeElevenLabs().addWorkspace(FAKE_KEY);
fake.addAgent(FAKE_KEY, FAKE_AGENT_ID, FAKE_AGENT_NAME);
fake.addAgent(FAKE_KEY, "agent_bookings", "Bookings");
const now = Math.floor(Date.now() / 1000);
for (let i = 0; i < BACKFILL_CONVERSATIONS; i++) {
  fake.addConversation(
    FAKE_KEY,
    makeConversation(FAKE_AGENT_ID, {
      conversation_id: `conv_e2e_backfill_${i}`,
      startUnix: now - 3600 - i * 7 * 3600,
      durationSecs: 40 + ((i * 37) % 300),
      success: i % 4 === 0 ? "failure" : "success",
    }),
    fakeMp3(200),
  );
}

const url = await fake.start(FAKE_ELEVENLABS_PORT);
console.log(`fake ElevenLabs for e2e listening on ${url}`);
const stop = () => void fake.stop().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
