import { CompassIcon } from "lucide-react";
import { Link } from "wouter";
import { Button } from "@/components/ui/button";
import { useDocumentTitle } from "@/components/page-header";

/** 404. `embedded` renders inside the signed-in shell, which already has a <main>. */
export default function NotFoundPage({ embedded = false }: { embedded?: boolean }) {
  useDocumentTitle("Page not found");
  const body = (
    <div className="mx-auto flex max-w-md flex-col items-center gap-4 py-16 text-center">
      <div className="flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground">
        <CompassIcon aria-hidden="true" className="size-6" />
      </div>
      <p className="text-sm font-medium text-muted-foreground">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="text-sm text-muted-foreground">The page you are looking for does not exist or has moved.</p>
      <div className="flex flex-wrap justify-center gap-2">
        <Button asChild>
          <Link href="/dashboard">Go to the dashboard</Link>
        </Button>
        <Button asChild variant="outline">
          <Link href="/">Home</Link>
        </Button>
      </div>
    </div>
  );
  return embedded ? body : <main className="min-h-dvh px-4">{body}</main>;
}
