/** A tiny store for toasts, so any code (mutations included) can raise one. */
import { useSyncExternalStore } from "react";
import type { ToastVariant } from "@/components/ui/toast";

export interface ToastMessage {
  id: number;
  title: string;
  description?: string;
  variant?: ToastVariant;
  /** Toasts about the same thing: a new one closes the older ones (a success clears a stale error). */
  group?: string;
  open: boolean;
}

const LIMIT = 3;
const REMOVE_DELAY_MS = 1_000;
let nextId = 1;
let toasts: ToastMessage[] = [];
const listeners = new Set<() => void>();

function emit(next: ToastMessage[]) {
  toasts = next;
  for (const listener of listeners) listener();
}

export function dismissToast(id: number): void {
  emit(toasts.map((t) => (t.id === id ? { ...t, open: false } : t)));
  window.setTimeout(() => emit(toasts.filter((t) => t.id !== id)), REMOVE_DELAY_MS);
}

export function toast(message: Omit<ToastMessage, "id" | "open">): number {
  const id = nextId++;
  const stale = message.group ? toasts.filter((t) => t.group === message.group && t.open).map((t) => t.id) : [];
  emit([{ ...message, id, open: true }, ...toasts].slice(0, LIMIT));
  for (const staleId of stale) dismissToast(staleId);
  return id;
}

export const toastSuccess = (title: string, description?: string, group?: string) => toast({ title, description, variant: "success", group });
export const toastError = (title: string, description?: string, group?: string) => toast({ title, description, variant: "destructive", group });

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToasts(): ToastMessage[] {
  return useSyncExternalStore(subscribe, () => toasts, () => toasts);
}
