// The part of jStat's untyped CommonJS API the lab uses.
declare module 'jstat' {
  interface StudentT {
    inv(p: number, dof: number): number
    cdf(x: number, dof: number): number
  }
  const jstat: { jStat: { studentt: StudentT } }
  export default jstat
}
