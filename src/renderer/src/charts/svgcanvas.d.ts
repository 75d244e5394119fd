// The part of svgcanvas's untyped API the lab uses: a 2D context that records drawing as SVG.
declare module 'svgcanvas' {
  export class Context {
    constructor(options: { width: number; height: number; document?: Document })
    getSerializedSvg(fixNamedEntities?: boolean): string
  }
}
