import { Route53Client } from "@aws-sdk/client-route-53";
import { startServer, type Reply, type TestServer } from "./_servers";

/** One checker's report, as GetHealthCheckStatus lists it. */
export interface CheckerReport {
  region: string;
  ip: string;
  status: string;
}

const SUCCESS = "Success: HTTP Status Code 200, OK";
const FAILURE = "Failure: HTTP Status Code 503, Service Unavailable. Resolved IP: 52.1.2.3";
const REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
];

/** Reports of eight checkers, the first `healthy` of them reporting Success. */
export function checkers(healthy: number, total = 8): CheckerReport[] {
  return Array.from({ length: total }, (_, i) => ({
    region: REGIONS[i % REGIONS.length],
    ip: `15.177.${i}.${10 + i}`,
    status: i < healthy ? SUCCESS : FAILURE,
  }));
}

/** The REST-XML body of a GetHealthCheckStatus answer, as Route 53 sends it. */
export function statusXml(reports: CheckerReport[]): Reply {
  const observations = reports
    .map(
      (r) =>
        `<HealthCheckObservation><Region>${r.region}</Region><IPAddress>${r.ip}</IPAddress>` +
        `<StatusReport><Status>${r.status}</Status><CheckedTime>2026-11-25T17:48:16.751Z</CheckedTime></StatusReport>` +
        `</HealthCheckObservation>`,
    )
    .join("");
  return {
    headers: {
      "content-type": "text/xml",
      "x-amzn-requestid": "11111111-2222-3333-4444-555555555555",
    },
    text:
      `<?xml version="1.0"?>\n<GetHealthCheckStatusResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">` +
      `<HealthCheckObservations>${observations}</HealthCheckObservations></GetHealthCheckStatusResponse>`,
  };
}

/** A Route 53 error answer (e.g. 404 NoSuchHealthCheck). */
export function errorXml(status: number, code: string, message: string): Reply {
  return {
    status,
    headers: {
      "content-type": "text/xml",
      "x-amzn-requestid": "11111111-2222-3333-4444-555555555555",
    },
    text:
      `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">` +
      `<Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
      `<RequestId>11111111-2222-3333-4444-555555555555</RequestId></ErrorResponse>`,
  };
}

/** The path GetHealthCheckStatus requests for a health check id. */
export const statusPath = (id: string) => `/2013-04-01/healthcheck/${id}/status`;

/** A fake Route 53 endpoint on 127.0.0.1 and a real SDK client pointed at it (one attempt, no retries). */
export async function startFakeRoute53(
  replies: Record<string, Reply>,
): Promise<TestServer & { client: Route53Client }> {
  const routes = Object.fromEntries(
    Object.entries(replies).map(([id, reply]) => [statusPath(id), reply]),
  );
  const server = await startServer(routes, {
    fallback: errorXml(
      404,
      "NoSuchHealthCheck",
      "A health check with the specified id does not exist.",
    ),
  });
  const client = new Route53Client({
    region: "us-east-1",
    endpoint: server.url,
    credentials: { accessKeyId: "AKIDTESTONLY", secretAccessKey: "test-only-secret" },
    maxAttempts: 1,
  });
  return Object.assign(server, { client });
}
