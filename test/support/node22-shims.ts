// @platformatic/kafka 2.x targets Node 22 and calls Promise.withResolvers (ES2024), which Node 20
// lacks. 1.x (what we pin now) falls back without it; the import stays first so a move back to 2.x on
// Node 22 changes nothing here. Import this module before @platformatic/kafka.
interface WithResolvers {
  withResolvers?: <T>() => { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void };
}

const promiseCtor = Promise as unknown as WithResolvers;
if (typeof promiseCtor.withResolvers !== 'function') {
  promiseCtor.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export {};
