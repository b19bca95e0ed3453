import { BellIcon, BotIcon, GaugeIcon, CreditCardIcon, HistoryIcon, LayoutDashboardIcon, PlugIcon, SettingsIcon, ShieldCheckIcon, UsersIcon, type LucideIcon } from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  platformAdminOnly?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/dashboard", label: "Dashboard", icon: LayoutDashboardIcon },
  { href: "/agents", label: "Agents", icon: BotIcon },
  { href: "/history", label: "History", icon: HistoryIcon },
  { href: "/quality", label: "Quality", icon: GaugeIcon },
  { href: "/alerts", label: "Alerts", icon: BellIcon },
  { href: "/integrations", label: "Integrations", icon: PlugIcon },
  { href: "/billing", label: "Billing", icon: CreditCardIcon },
  { href: "/team", label: "Team", icon: UsersIcon },
  { href: "/settings", label: "Settings", icon: SettingsIcon },
  { href: "/admin", label: "Admin", icon: ShieldCheckIcon, platformAdminOnly: true },
];
