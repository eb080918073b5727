import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A CloudWatch endpoint on 127.0.0.1 that answers GetMetricData as the real API does, and a real
 * SDK client pointed at it (dummy credentials, one attempt).
 *
 * The wire shape: @aws-sdk/client-cloudwatch 3.x speaks AWS JSON 1.0 to CloudWatch
 * (`AwsJson1_0Protocol` with `serviceTarget: "GraniteServiceVersion20100801"` and
 * `awsQueryCompatible: true` in its dist-cjs/index.js): `POST /` with
 * `X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`, a JSON body, and a JSON answer
 * whose timestamps are epoch seconds. The answer's fields are the API reference's
 * (`MetricDataResults[].{Id, Label, Timestamps, Values, StatusCode}`, `Messages`), as in the
 * example output of https://awscli.amazonaws.com/v2/documentation/api/latest/reference/cloudwatch/get-metric-data.html
 * (`{"MetricDataResults": [{"Id": "m1", "Label": "EstimatedCharges", "Timestamps": [...],
 * "Values": [542.38], "StatusCode": "Complete"}], "Messages": []}`). Errors are
 * `{"__type": "...#Code", "message": "..."}` with the `x-amzn-query-error: Code;Sender` header.
 */

/** One GetMetricData request as received. */
export interface ReceivedRequest {
  target: string | undefined;
  authorization: string | undefined;
  body: {
    MetricDataQueries: {
      Id: string;
      MetricStat: {
        Metric: {
          Namespace: string;
          MetricName: string;
          Dimensions: { Name: string; Value: string }[];
        };
        Period: number;
        Stat: string;
      };
    }[];
    StartTime: number;
    EndTime: number;
  };
}

/** What the fake answers to one request: results by query id, or an error. */
export type Answer =
  { values: Record<string, number[]> } | { status: number; code: string; message: string };

export interface FakeCloudWatch {
  url: string;
  requests: ReceivedRequest[];
  client: CloudWatchClient;
  close(): Promise<void>;
}

export async function startFakeCloudWatch(
  answer: (req: ReceivedRequest) => Answer,
): Promise<FakeCloudWatch> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const received: ReceivedRequest = {
        target: req.headers["x-amz-target"] as string | undefined,
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReceivedRequest["body"],
      };
      requests.push(received);
      const out = answer(received);
      const headers = {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": "11111111-2222-3333-4444-555555555555",
      };
      if ("code" in out) {
        res.writeHead(out.status, { ...headers, "x-amzn-query-error": `${out.code};Sender` });
        res.end(
          JSON.stringify({ __type: `com.amazonaws.cloudwatch#${out.code}`, message: out.message }),
        );
        return;
      }
      const end = received.body.EndTime;
      res.writeHead(200, headers);
      res.end(
        JSON.stringify({
          MetricDataResults: received.body.MetricDataQueries.map((q) => {
            const values = out.values[q.Id] ?? [];
            return {
              Id: q.Id,
              Label: q.MetricStat.Metric.MetricName,
              Timestamps: values.map((_, i) => end - q.MetricStat.Period * (i + 1)),
              Values: values,
              StatusCode: "Complete",
            };
          }),
          Messages: [],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new CloudWatchClient({
    region: "us-east-1",
    endpoint: url,
    credentials: { accessKeyId: "AKIDTESTONLY", secretAccessKey: "test-only-secret" },
    maxAttempts: 1,
  });
  return {
    url,
    requests,
    client,
    close: () =>
      new Promise<void>((resolve) => {
        client.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
