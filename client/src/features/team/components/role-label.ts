import type { Role } from "@shared/permissions";

export const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member", viewer: "Viewer" };

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Everything, including the organization itself",
  admin: "Manages agents, the ElevenLabs key and the team",
  member: "Sees all calls and can sync agents",
  viewer: "Read only",
};
