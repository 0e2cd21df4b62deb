import type { CoreView } from "../../core/core-view.std.ts";
import { ScreenHeading } from "../parts.std.tsx";

export function StartingScreen({ core }: { core: CoreView }) {
  return (
    <>
      <ScreenHeading focus={false}>Starting OCMAP</ScreenHeading>
      <p className="busy">{core.reason.message}</p>
    </>
  );
}
