import { EventEmitter } from 'node:events';

/**
 * EventEmitter with a compile-time map of event names to payloads.
 * `type Events = { frame: [Buffer]; error: [Error] }` then `class X extends TypedEmitter<Events>`.
 */
export type EventMap = Record<string, unknown[]>;

export class TypedEmitter<E extends EventMap> {
  private readonly inner = new EventEmitter({ captureRejections: false });

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.inner.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.inner.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.inner.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    return this.inner.emit(event, ...args);
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.inner.listenerCount(event);
  }

  removeAllListeners(): this {
    this.inner.removeAllListeners();
    return this;
  }
}
