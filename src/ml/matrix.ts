/** A dense row-major matrix of features: row i, column j is data[i * cols + j]. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function matrix(rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols)): Matrix {
  if (data.length !== rows * cols) {
    throw new Error(`matrix data has ${data.length} values, expected ${rows} x ${cols} = ${rows * cols}`);
  }
  return { rows, cols, data };
}
