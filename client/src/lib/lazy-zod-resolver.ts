/**
 * A react-hook-form resolver that loads Zod and the schema on the first validation instead of with
 * the page: Zod weighs ~26 KB gzip, and the sign-in pages must stay light. Forms still validate with
 * the shared contract; `preload()` warms it up as soon as the user starts typing.
 */
import type { FieldValues, Resolver } from "react-hook-form";
import type { ZodType } from "zod";

export type LazyResolver<TValues extends FieldValues> = Resolver<TValues> & { preload: () => void };

export function lazyZodResolver<TValues extends FieldValues>(loadSchema: () => Promise<ZodType>): LazyResolver<TValues> {
  let resolver: Promise<Resolver<TValues>> | null = null;
  const load = () =>
    (resolver ??= Promise.all([import("@hookform/resolvers/zod"), loadSchema()]).then(
      ([{ zodResolver }, schema]) => zodResolver(schema as never) as unknown as Resolver<TValues>,
    ));
  const lazy: Resolver<TValues> = async (values, context, options) => (await load())(values, context, options);
  return Object.assign(lazy, { preload: () => void load() });
}
