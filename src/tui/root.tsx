/** The console's element tree: providers (data source, theme) around the shell. */
import { App, type AppProps } from './app.js';
import { DataSourceContext } from './data/hooks.js';
import type { DataSource } from './data/types.js';
import { ThemeContext } from './theme/context.js';
import type { Theme } from './theme/theme.js';

export interface ConsoleProps extends AppProps {
  source: DataSource;
  theme: Theme;
}

export function Console({ source, theme, ...app }: ConsoleProps) {
  return (
    <DataSourceContext.Provider value={source}>
      <ThemeContext.Provider value={theme}>
        <App {...app} />
      </ThemeContext.Provider>
    </DataSourceContext.Provider>
  );
}
