import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Title, Tooltip } from 'chart.js'
import { CHART_FONT_FAMILY, labPlugins } from '../../../shared/charts/lab-plugins'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, ScatterController, Filler, Legend, Title, Tooltip, ...labPlugins)
Chart.defaults.font.family = CHART_FONT_FAMILY

export { Chart }
