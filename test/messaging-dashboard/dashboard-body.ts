import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** A widget of a rendered dashboard body (Dashboard Body Structure and Syntax). */
export interface BodyWidget {
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: unknown[][];
    readonly alarms?: string[];
    readonly annotations?: { horizontal?: { value: number; label?: string; yAxis?: string }[] };
    readonly [key: string]: unknown;
  };
}

export interface Body {
  readonly start?: string;
  readonly widgets: BodyWidget[];
}

/** A metric of a graph, as the dashboard names it. */
export interface BodyMetric {
  readonly widget: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name → value, with references rendered as placeholders. */
  readonly dimensions: Record<string, string>;
  readonly options: { readonly label?: string; readonly stat?: string; readonly period?: number; readonly yAxis?: string };
}

/**
 * A CloudFormation value rendered as text: strings as they are, `Ref` as
 * `${Ref:LogicalId}`, `Fn::GetAtt` as `${LogicalId.Attribute}`, and
 * `Fn::Join` by joining its parts.
 */
function render(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const v = value as Record<string, unknown>;
  if ('Ref' in v) {
    return `\${Ref:${v.Ref as string}}`;
  }
  if ('Fn::GetAtt' in v) {
    return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  if ('Fn::Select' in v || 'Fn::Split' in v) {
    return `\${${JSON.stringify(v)}}`;
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** The synthesized `DashboardBody` of the only dashboard of `stack`, parsed (references as placeholders). */
export function dashboardBody(stack: Stack): Body {
  const dashboards = Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
  const entries = Object.values(dashboards);
  if (entries.length !== 1) {
    throw new Error(`expected one dashboard, found ${entries.length}`);
  }
  const body = render((entries[0] as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody);
  // A placeholder holds no character that needs escaping inside a JSON string, except the quotes of Fn::Select/Split.
  return JSON.parse(body.replace(/\$\{(\{.*?\})\}/g, (_m, json: string) => `\${${json.replace(/"/g, "'")}}`)) as Body;
}

/** Every metric of every graph of the body, in order. */
export function bodyMetrics(body: Body): BodyMetric[] {
  return body.widgets
    .filter((w) => w.type === 'metric' && w.properties.metrics)
    .flatMap((w) =>
      w.properties.metrics!.map((entry) => {
        const last = entry[entry.length - 1];
        const hasOptions = typeof last === 'object' && last !== null;
        const names = (hasOptions ? entry.slice(0, -1) : entry) as string[];
        const dimensions: Record<string, string> = {};
        for (let i = 2; i < names.length; i += 2) {
          dimensions[names[i]] = names[i + 1];
        }
        return {
          widget: w.properties.title ?? '',
          namespace: names[0],
          metricName: names[1],
          dimensions,
          options: (hasOptions ? last : {}) as BodyMetric['options'],
        };
      }),
    );
}

/** The widgets of the section whose header names `path`: from its header to the next header. */
export function sectionWidgets(body: Body, path: string): BodyWidget[] {
  const headers = body.widgets
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => w.type === 'text');
  const start = headers.findIndex(({ w }) => (w.properties.markdown ?? '').includes(`\`${path}\``));
  if (start < 0) {
    throw new Error(`no section for ${path}`);
  }
  const from = headers[start].i;
  const to = start + 1 < headers.length ? headers[start + 1].i : body.widgets.length;
  return body.widgets.slice(from, to);
}

/** The graph titled `title` among `widgets`. */
export function graphTitled(widgets: BodyWidget[], title: string): BodyWidget {
  const found = widgets.filter((w) => w.type === 'metric' && w.properties.title === title);
  if (found.length !== 1) {
    throw new Error(`expected one graph titled '${title}', found ${found.length} among ${widgets.map((w) => w.properties.title).join(', ')}`);
  }
  return found[0];
}
