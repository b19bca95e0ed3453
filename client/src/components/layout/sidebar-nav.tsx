import { Link, useLocation } from "wouter";
import { useCurrentUser } from "@/lib/auth";
import { cn } from "@/lib/utils";
import { focusRing } from "@/components/ui/button";
import { NAV_ITEMS } from "@/components/layout/nav-items";
import { FiringBadge } from "@/components/layout/firing-badge";

export function SidebarNav({ onNavigate }: { onNavigate?: () => void }) {
  const [location] = useLocation();
  const user = useCurrentUser();
  const items = NAV_ITEMS.filter((item) => !item.platformAdminOnly || user.isPlatformAdmin);

  return (
    <nav aria-label="Main" className="grid gap-1 px-3">
      {items.map((item) => {
        const active = location === item.href || location.startsWith(`${item.href}/`);
        const Icon = item.icon;
        return (
          <Link
            key={item.href}
            href={item.href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium",
              focusRing,
              active ? "bg-accent text-accent-foreground" : "text-muted-foreground hover:bg-accent/60 hover:text-foreground",
            )}
          >
            <Icon aria-hidden="true" className="size-4" />
            {item.label}
            {item.href === "/alerts" && <FiringBadge />}
          </Link>
        );
      })}
    </nav>
  );
}
