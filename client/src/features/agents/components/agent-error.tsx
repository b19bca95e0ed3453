import { Link } from "wouter";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { errorMessage, isApiError } from "@/lib/api";

/** Why an agent could not be looked up or added, with the way out when there is one. */
export function AgentError({ error }: { error: unknown }) {
  if (isApiError(error, "integration_required")) {
    return (
      <Alert variant="destructive">
        <AlertTitle>Connect ElevenLabs first</AlertTitle>
        <AlertDescription>
          <p>
            Agents are checked with your ElevenLabs API key.{" "}
            <Link href="/integrations" className="font-medium underline underline-offset-4">
              Set up the integration
            </Link>
            .
          </p>
        </AlertDescription>
      </Alert>
    );
  }
  const message = isApiError(error, "agent_not_found")
    ? "No agent with this id exists in your ElevenLabs account. Check the id in ElevenLabs > Conversational AI > Agents."
    : isApiError(error, "agent_exists")
      ? `${errorMessage(error).replace(/\.?$/, ".")} There is nothing more to add.`
      : errorMessage(error);
  return (
    <Alert variant="destructive">
      <AlertDescription>{message}</AlertDescription>
    </Alert>
  );
}
