// The part of jStat's untyped API the lab uses.
declare module 'jstat' {
  interface StudentT {
    inv(p: number, dof: number): number
    cdf(x: number, dof: number): number
  }
  export const jStat: { studentt: StudentT }
}
