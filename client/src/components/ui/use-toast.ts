/** A tiny store for toasts, so any code (mutations included) can raise one. */
import { useSyncExternalStore } from "react";
import type { ToastVariant } from "@/components/ui/toast";

export interface ToastMessage {
  id: number;
  title: string;
  description?: string;
  variant?: ToastVariant;
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
  emit([{ ...message, id, open: true }, ...toasts].slice(0, LIMIT));
  return id;
}

export const toastSuccess = (title: string, description?: string) => toast({ title, description, variant: "success" });
export const toastError = (title: string, description?: string) => toast({ title, description, variant: "destructive" });

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToasts(): ToastMessage[] {
  return useSyncExternalStore(subscribe, () => toasts, () => toasts);
}
