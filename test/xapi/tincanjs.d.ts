// The part of tincanjs's Node API the xAPI client tests use (the package ships no types).
declare module 'tincanjs' {
  type Callback = (
    error: unknown,
    xhr: { status: number; responseText: string; getResponseHeader(name: string): string | null } | null,
  ) => void;
  export class Statement {
    constructor(config: Record<string, unknown>, init?: { doStamp?: boolean });
    id: string | null;
  }
  export class LRS {
    constructor(config: { endpoint: string; username: string; password: string; allowFail?: boolean; version?: string });
    version: string;
    saveStatement(statement: Statement, options: { callback: Callback }): void;
    saveStatements(statements: Statement[], options: { callback: Callback }): void;
  }
  const TinCan: { LRS: typeof LRS; Statement: typeof Statement };
  export default TinCan;
}
