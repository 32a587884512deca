/**
 * One name per resource type in every message: the errors of borrows and of guest resources name a resource
 * type by its full WIT name (`ns:pkg/iface@version#name`), as the resource table's errors and `counts()` do, so
 * that a user who reads `bucket` in one error and `test:kitchen/store@1.2.3#bucket` in another is not left to
 * wonder whether they are one type. Driven through the runtime with a fake jco module.
 */
import { describe, expect, it } from "vitest";
import type { BorrowHandle } from "../../../templates/runtime/borrow.js";
import {
  BorrowExpiredError,
  ResourceDisposedError,
  StaleHandleError,
} from "../../../templates/runtime/errors.js";
import {
  createInstanceCore,
  startInstance,
  type ComponentModule,
} from "../../../templates/runtime/instance-core.js";
import {
  borrow,
  GuestResource,
  hostResource,
  own,
} from "../../../templates/runtime/guest-resources.js";
import { guestResource } from "../../../templates/runtime/guest-resource-classes.js";
import { callMethod, exportSpec } from "../../../templates/runtime/export-calls.js";
import {
  adaptImport,
  hostResourceClass,
  importSpec,
} from "../../../templates/runtime/import-adapters.js";
import { createResourceTable } from "../../../templates/runtime/resource-table.js";
import { rejection, thrown } from "../../support/outcomes.js";

const fake = (exports: object): ComponentModule => ({
  instantiate: () => Promise.resolve(exports),
});

const bucketName = "test:kitchen/store@1.2.3#bucket";

class Bucket {
  name(): string {
    return "b";
  }
}

describe("resource types in messages", () => {
  it("a borrow used after its call names the host resource by its full WIT name, as a stale handle does", async () => {
    const bucketType = hostResource(bucketName);
    const core = await createInstanceCore({ component: fake({}) });
    const Adapter = hostResourceClass(core, bucketType, Bucket, {
      create: importSpec({
        name: `${bucketName}.create`,
        member: "create",
        params: [],
        returns: own(bucketType),
      }),
    }) as new () => object;
    let kept: BorrowHandle<Bucket> | undefined;
    const spec = importSpec({
      name: "test:kitchen/store@1.2.3#fill",
      member: "fill",
      params: [borrow(bucketType)],
      paramNames: ["b"],
      returns: undefined,
    });
    const fill = adaptImport(core, spec, {
      fill(handle: BorrowHandle<Bucket>) {
        kept = handle;
        handle.drop();
      },
    }) as (bucket: object) => void;
    await startInstance(core, undefined, { "test:kitchen/store@1.2.3": { Bucket: Adapter, fill } });
    fill(new Adapter());
    const expired = thrown(() => kept!.get()) as BorrowExpiredError;
    expect(expired).toBeInstanceOf(BorrowExpiredError);
    expect(expired.resourceType).toBe(bucketName);
    expect(expired.message).toContain(`\`${bucketName}\``);

    // The instance's resource table knows the type by the descriptor's name, in its errors and its counts.
    const table = createResourceTable();
    const handle = table.push(bucketType.name, new Bucket());
    table.delete(handle, bucketType.name);
    const stale = thrown(() => table.get(handle, bucketType.name)) as StaleHandleError;
    expect(stale).toBeInstanceOf(StaleHandleError);
    expect(stale.resourceType).toBe(expired.resourceType);
  });

  it("a guest resource used after disposal names it by its full WIT name", async () => {
    class Thing extends GuestResource {}
    const thingType = guestResource("test:kitchen/api@1.2.3#thing", Thing);
    const core = await createInstanceCore({ component: fake({ api: {} }) });
    await startInstance(core);
    const thing = own(thingType).lift({ size: () => 1, [Symbol.dispose]: () => {} }, core) as Thing;
    thing[Symbol.dispose]();
    const size = exportSpec<number>({
      name: "test:kitchen/api@1.2.3#[method]thing.size",
      path: ["size"],
    });
    const error = (await rejection(callMethod(thing, size, []))) as ResourceDisposedError;
    expect(error).toBeInstanceOf(ResourceDisposedError);
    expect(error.resourceType).toBe("test:kitchen/api@1.2.3#thing");
    expect(error.message).toBe("`test:kitchen/api@1.2.3#thing` used after it was disposed");
  });
});
