/**
 * The frame of a compression chart (bytes per token against vocabulary size, from 256 tokens up): its scales
 * and its axes with their labels. The training studio's live curve and its chart of finished runs share it.
 */

export interface CompressionFrame {
  width: number;
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
  /** The largest vocabulary size and bytes per token the axes reach. */
  maxX: number;
  maxY: number;
}

/** Where a vocabulary size and a bytes-per-token value fall in the frame. */
export function scales(f: CompressionFrame): { x: (vocabSize: number) => number; y: (bytesPerToken: number) => number } {
  const { width, height, pad } = f;
  return {
    x: (v) => pad.left + ((v - 256) / Math.max(1, f.maxX - 256)) * (width - pad.left - pad.right),
    y: (b) => height - pad.bottom - (b / f.maxY) * (height - pad.top - pad.bottom),
  };
}

/** The two axes, three ticks of bytes per token, and the vocabulary sizes at both ends. */
export function CompressionAxes(props: { frame: CompressionFrame }) {
  const f = props.frame;
  const { width: W, height: H, pad } = f;
  const { y } = scales(f);
  return (
    <>
      <line class="chart-axis" x1={pad.left} y1={H - pad.bottom} x2={W - pad.right} y2={H - pad.bottom} />
      <line class="chart-axis" x1={pad.left} y1={pad.top} x2={pad.left} y2={H - pad.bottom} />
      {[0, 0.5, 1].map((t) => (
        <text x={pad.left - 4} y={y(t * f.maxY) + 4} text-anchor="end" font-size="11">
          {(t * f.maxY).toFixed(1)}
        </text>
      ))}
      <text x={pad.left} y={H - pad.bottom + 20} font-size="11">
        256
      </text>
      <text x={W - pad.right} y={H - pad.bottom + 20} font-size="11" text-anchor="end">
        {f.maxX}
      </text>
      <text x={(W + pad.left) / 2} y={H - 3} font-size="11" text-anchor="middle">
        vocabulary size
      </text>
    </>
  );
}
