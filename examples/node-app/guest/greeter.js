// The guest: the component's own code, in JavaScript, built into a component with componentize-js
// (`npm run component`). It implements the `greet` export and calls the host's `log` import.
import { log } from "example:greeter/log@0.1.0";

let count = 0;

export const greet = {
  hello(name, tone) {
    // componentize-js turns a thrown value into the `err` case of the `result`.
    if (name === "") throw "a name is needed";
    count += 1;
    log(`greeting ${name}`);
    const text = tone === "formal" ? `Good day, ${name}.` : `Hi ${name}!`;
    return { text, count };
  },
};
