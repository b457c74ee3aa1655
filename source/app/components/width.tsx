import { useStdout } from 'ink';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/** The screen sketches are drawn for 80 columns; wider terminals give longer bars and keys room. */
export const NARROWEST = 80;
const WIDEST = 160;

const WidthContext = createContext(NARROWEST);

/** Columns a screen may fill (the frame's width). 80 unless a wider terminal provides more. */
export function useWidth(): number {
  return useContext(WidthContext);
}

export const clampWidth = (columns: number | undefined): number =>
  Math.max(NARROWEST, Math.min(WIDEST, (columns ?? NARROWEST) - 1));

/** Follows the terminal's width, resizes included. */
export function TerminalWidth({ children }: { readonly children: ReactNode }) {
  const { stdout } = useStdout();
  const [width, setWidth] = useState(() => clampWidth(stdout.columns));
  useEffect(() => {
    const resized = () => setWidth(clampWidth(stdout.columns));
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout]);
  return <WidthContext.Provider value={width}>{children}</WidthContext.Provider>;
}

/** A fixed width, for tests and previews of a wider terminal. */
export function FixedWidth({ width, children }: { readonly width: number; readonly children: ReactNode }) {
  return <WidthContext.Provider value={width}>{children}</WidthContext.Provider>;
}
