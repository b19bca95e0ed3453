import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { AtSignIcon, LogOutIcon } from "lucide-react";
import { useLocation } from "wouter";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { toastError } from "@/components/ui/use-toast";
import { apiPost } from "@/lib/api";
import { useCurrentUser } from "@/lib/auth";
import { ChangeEmailDialog } from "@/components/layout/change-email-dialog";

function initials(nameOrEmail: string): string {
  const parts = nameOrEmail.split(/[\s@._-]+/).filter(Boolean);
  return (
    parts
      .slice(0, 2)
      .map((p) => p[0]?.toUpperCase() ?? "")
      .join("") || "?"
  ).slice(0, 2);
}

export function UserMenu() {
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const displayName = user.name || user.email;
  const [changingEmail, setChangingEmail] = useState(false);

  async function signOut() {
    try {
      await apiPost<void>("/api/auth/logout");
    } catch {
      toastError("Sign-out did not reach the server", "Your session on this device was cleared anyway.");
    }
    queryClient.clear();
    navigate("/login", { replace: true });
  }

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" className="h-9 gap-2 px-2" aria-label={`Account menu for ${displayName}`}>
            <span
              aria-hidden="true"
              className="flex size-7 items-center justify-center rounded-full bg-primary text-xs font-semibold text-primary-foreground"
            >
              {initials(displayName)}
            </span>
            <span className="hidden max-w-40 truncate text-sm lg:inline">{user.organization.name}</span>
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-64">
          <DropdownMenuLabel className="grid gap-0.5 font-normal">
            <span className="truncate font-medium">{displayName}</span>
            <span className="truncate text-xs text-muted-foreground">{user.email}</span>
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          <DropdownMenuLabel className="grid gap-0.5 font-normal">
            <span className="text-xs text-muted-foreground">Organization</span>
            <span className="truncate">{user.organization.name}</span>
            <span className="text-xs text-muted-foreground capitalize">Role: {user.role}</span>
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setChangingEmail(true)}>
            <AtSignIcon aria-hidden="true" />
            Change email
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => void signOut()}>
            <LogOutIcon aria-hidden="true" />
            Sign out
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <ChangeEmailDialog open={changingEmail} onOpenChange={setChangingEmail} />
    </>
  );
}
