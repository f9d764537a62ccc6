/**
 * A small in-memory WebHDFS (NameNode + DataNode on two ephemeral ports) for the fast tier:
 * it answers as HDFS does where the client depends on it (CREATE/OPEN redirects, rename2
 * refusing an existing target, RemoteException bodies with HDFS's status codes). The real
 * HDFS runs the same contract in the stack tier.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

interface Node {
  dir: boolean;
  data: Buffer;
  mtime: number;
}

export interface FakeWebHdfs {
  url: string;
  /** The next NameNode request answers this status and exception instead. */
  failNext(status: number, exception: string): void;
  /** NameNode requests hang this long before answering. */
  delayMs: number;
  close(): Promise<void>;
}

const remote = (res: http.ServerResponse, status: number, exception: string, message: string) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ RemoteException: { exception, javaClassName: `org.apache.hadoop.${exception}`, message } }));
};
const json = (res: http.ServerResponse, body: unknown) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const readBody = (req: http.IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks)));
  });

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startFakeWebHdfs(): Promise<FakeWebHdfs> {
  const tree = new Map<string, Node>([["/", { dir: true, data: Buffer.alloc(0), mtime: Date.now() }]]);
  const mkdirs = (p: string) => {
    for (let d = p; d !== "/" && !tree.has(d); d = path.posix.dirname(d)) tree.set(d, { dir: true, data: Buffer.alloc(0), mtime: Date.now() });
  };
  const children = (p: string) => [...tree.keys()].filter((k) => k !== p && path.posix.dirname(k) === p);
  const subtree = (p: string) => [...tree.keys()].filter((k) => k === p || k.startsWith(p + "/"));
  const status = (p: string, suffix: string) => {
    const n = tree.get(p)!;
    return { pathSuffix: suffix, type: n.dir ? "DIRECTORY" : "FILE", length: n.data.length, modificationTime: n.mtime };
  };
  let injected: { status: number; exception: string } | undefined;

  const serveData = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url!, "http://x");
    const p = decodeURIComponent(url.pathname.slice("/webhdfs/v1".length));
    if (req.method === "PUT") {
      mkdirs(path.posix.dirname(p));
      tree.set(p, { dir: false, data: await readBody(req), mtime: Date.now() });
      res.writeHead(201).end();
    } else {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(tree.get(p)!.data);
    }
  };
  const dataNode = http.createServer((req, res) => void serveData(req, res));
  const dataUrl = await listen(dataNode);

  const fake: FakeWebHdfs = {
    url: "",
    delayMs: 0,
    failNext: (s, exception) => (injected = { status: s, exception }),
    close: async () => {
      nameNode.closeAllConnections();
      dataNode.closeAllConnections();
      await Promise.all([new Promise((r) => nameNode.close(r)), new Promise((r) => dataNode.close(r))]);
    },
  };

  const serveName = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
    const url = new URL(req.url!, "http://x");
    const p = decodeURIComponent(url.pathname.slice("/webhdfs/v1".length)) || "/";
    const op = url.searchParams.get("op");
    if (injected) {
      const { status: s, exception } = injected;
      injected = undefined;
      return remote(res, s, exception, "injected");
    }
    if (!url.searchParams.get("user.name")) return remote(res, 401, "SecurityException", "no user.name");
    const node = tree.get(p);
    const notFound = () => remote(res, 404, "FileNotFoundException", `File does not exist: ${p}`);
    switch (op) {
      case "CREATE":
      case "OPEN":
        if (op === "OPEN" && (!node || node.dir)) return notFound();
        res.writeHead(307, { location: `${dataUrl}${url.pathname}${url.search}` }).end();
        return;
      case "GETFILESTATUS":
        return node ? json(res, { FileStatus: status(p, "") }) : notFound();
      case "LISTSTATUS":
        if (!node) return notFound();
        if (!node.dir) return json(res, { FileStatuses: { FileStatus: [status(p, "")] } });
        return json(res, { FileStatuses: { FileStatus: children(p).map((c) => status(c, path.posix.basename(c))) } });
      case "MKDIRS":
        mkdirs(p);
        return json(res, { boolean: true });
      case "DELETE":
        for (const k of subtree(p)) tree.delete(k);
        return json(res, { boolean: node !== undefined });
      case "RENAME": {
        const to = url.searchParams.get("destination")!;
        if (!url.searchParams.has("renameoptions")) return remote(res, 400, "IllegalArgumentException", "fake supports rename2 only");
        if (!node) return notFound();
        if (!tree.get(path.posix.dirname(to))?.dir) return remote(res, 404, "FileNotFoundException", `rename destination parent ${to} not found.`);
        const target = tree.get(to);
        if (target && target.dir !== node.dir) return remote(res, 403, "IOException", `Source ${p} and destination ${to} must both be directories`);
        if (target) return remote(res, 403, "FileAlreadyExistsException", `rename destination ${to} already exists`);
        for (const k of subtree(p)) {
          tree.set(to + k.slice(p.length), tree.get(k)!);
          tree.delete(k);
        }
        res.writeHead(200, { "content-type": "application/json" }).end();
        return;
      }
      default:
        return remote(res, 400, "IllegalArgumentException", `Invalid value for webhdfs parameter "op": ${op}`);
    }
  };
  const nameNode = http.createServer((req, res) => void serveName(req, res));
  fake.url = await listen(nameNode);
  return fake;
}
